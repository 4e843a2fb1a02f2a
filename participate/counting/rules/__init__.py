"""The counting rules. Each takes a `SatProfile` and keyword options and returns a frozen outcome."""
