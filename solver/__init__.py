"""secplan: a release planner for the Smart Energy Code (import name `solver`)."""
