"""Job kinds, registered by the domains that own them (see participate/audit/jobs.py for an example)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Progress = Callable[[float, str], None]
JobWork = Callable[[dict[str, Any], Progress], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Any  # a lazy string, shown on the job page
    work: JobWork


JOB_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, label: Any) -> Callable[[JobWork], JobWork]:
    """Register `work(params, progress) -> result`: params and result are JSON objects; `progress` takes a
    fraction between 0 and 1 and a short message. Raise a ServiceError to fail with a message people see."""

    def register(work: JobWork) -> JobWork:
        JOB_KINDS[name] = JobKind(name, label, work)
        return work

    return register
