"""The counting engine: pure Python (standard library and numpy only), identical to pabutools 1.2.3.

    from participate.counting import read_pabulib, count
    election = read_pabulib("file.pb")          # or parse_pabulib(text); raises PabulibFormatError(line=...)
    result = count(election, rule="mes", sat="cost", completion="add1u")
    result.selected        # project ids in the order chosen
    result.total_cost      # int
    result.explanation     # JSON-ready dict, rendered as is by the results page
    result.to_dict()       # the JSON object of `participate count --format json`

`count(election, *, rule="greedy", sat=None, completion=None, threshold=None, tie_breaking=lexicographic,
progress=None, deadline=None)` raises UnsupportedOptionError (a CountingError) for impossible combinations;
messages are safe to show. `progress(fraction: float, message: str)` hears how far the count is (0.0 to 1.0,
at most every 0.1 s); `deadline` is a `time.monotonic()` reading in seconds, after which the count raises
DeadlineReached (a CountingError) instead of giving an outcome (details: participate.counting.progress).
Each rule's callable is in the registry (`RULES[name].count`).
RULES / SATISFACTIONS / COMPLETIONS (and rules_for(vote_type), satisfactions_for(vote_type)) list what the
web layer may offer. The contract (names, JSON, explanations) is ../shared/docs/counting.md.
"""

from .engine import CountResult, count
from .errors import CountingError, DeadlineReached, PabulibFormatError, UnsupportedOptionError
from .model import Ballot, Ballots, Election, Project
from .pabulib import election_to_pabulib, make_election, parse_pabulib, read_pabulib, write_pabulib
from .progress import Progress
from .registry import COMPLETIONS, RULES, SATISFACTIONS, default_satisfaction, rules_for, satisfactions_for

__all__ = [
    "COMPLETIONS",
    "RULES",
    "SATISFACTIONS",
    "Ballot",
    "Ballots",
    "CountResult",
    "CountingError",
    "DeadlineReached",
    "Election",
    "PabulibFormatError",
    "Progress",
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
