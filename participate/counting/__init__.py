"""The counting engine: pure Python (standard library and numpy only).

    from participate.counting import read_pabulib, count
    result = count(read_pabulib("file.pb"), rule="mes", sat="cost", completion="add1u")
    result.selected, result.total_cost, result.explanation, result.to_dict()

See ../shared/docs/counting.md for the contract (rule, satisfaction and completion names, JSON).
"""

from .engine import CountResult, count
from .errors import CountingError, PabulibFormatError, UnsupportedOptionError
from .model import Ballot, Election, Project
from .pabulib import election_to_pabulib, make_election, parse_pabulib, read_pabulib, write_pabulib
from .registry import COMPLETIONS, RULES, SATISFACTIONS, default_satisfaction, rules_for, satisfactions_for

__all__ = [
    "COMPLETIONS",
    "RULES",
    "SATISFACTIONS",
    "Ballot",
    "CountResult",
    "CountingError",
    "Election",
    "PabulibFormatError",
    "Project",
    "UnsupportedOptionError",
    "count",
    "default_satisfaction",
    "election_to_pabulib",
    "make_election",
    "parse_pabulib",
    "read_pabulib",
    "rules_for",
    "satisfactions_for",
    "write_pabulib",
]
