"""Readers that turn input files into `Record`s or `Problem`s (never exceptions)."""
