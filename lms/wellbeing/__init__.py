"""The wellbeing self-check: instruments as data, the operator switch, and results only their host sees."""
