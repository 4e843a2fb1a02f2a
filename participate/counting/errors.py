"""Errors of the counting engine. Every message is safe to show to a resident or an auditor."""

from __future__ import annotations


class CountingError(Exception):
    """Base class: something prevents a count (bad input or an impossible option)."""


class PabulibFormatError(CountingError):
    """A pabulib file is malformed. `line` is the 1-based line number in the file (None if global)."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        self.problem = problem
        self.line = line
        super().__init__(f"line {line}: {problem}" if line is not None else problem)


class UnsupportedOptionError(CountingError):
    """A rule, satisfaction or completion that does not exist or does not apply to these ballots."""


class DeadlineReached(CountingError):
    """The count was still running at its deadline (`count(deadline=...)`, `participate count --time-limit`)."""
