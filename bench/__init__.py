"""Benchmark tools: a deterministic corpus generator, a baseline pipeline, a runner."""
