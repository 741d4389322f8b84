"""Benchmarks: `make bench` (benchmarks.run) and `make load` (benchmarks.load), on synthetic directories."""
