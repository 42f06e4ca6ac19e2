"""`python -m solver` runs the `secplan` command."""

from solver.cli import main

main()
