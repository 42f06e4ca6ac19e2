"""Scale benchmarks of secplan: a synthetic-scenario generator and a benchmark runner."""
