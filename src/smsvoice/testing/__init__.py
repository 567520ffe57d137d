"""Helpers for running smsvoice from tests and benchmarks: real `serve` and `worker` processes."""
