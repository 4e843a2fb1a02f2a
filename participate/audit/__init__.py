"""Append-only, hash-chained record of every action that changes an outcome."""
