"""Click wiring only: commands parse options, call library code, map outcomes to exit codes."""
