"""Benchmarks: `python -m benchmarks` compares hirewatch with the tools it is built on, and with urlwatch."""
