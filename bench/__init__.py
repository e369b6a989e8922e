"""Leadflow's benchmarks: figures measured side by side with hand-written baselines (`leadflow bench`)."""
