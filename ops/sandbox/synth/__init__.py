"""The deterministic synthetic universe: instruments built from a seed, prices from (seed, time)."""
