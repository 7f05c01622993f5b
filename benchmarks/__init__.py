"""Speed measurements (not tests): ``python -m benchmarks.unlearning_cost --help``."""
