"""Price alerts of the cmc subsystem."""
