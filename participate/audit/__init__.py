"""Append-only, hash-chained record of every action that changes an outcome."""

from participate.audit import jobs  # noqa: F401  (registers the domain's job kinds)
