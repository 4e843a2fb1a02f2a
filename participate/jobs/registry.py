"""Job kinds, registered by the domains that own them (see participate/audit/jobs.py for an example)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Progress = Callable[[float, str], None]
JobWork = Callable[[dict[str, Any], Progress], dict[str, Any]]


# Where a job's page leads back to: (the link's words, its URL), from the job's params.
BackLink = Callable[[dict[str, Any]], tuple[str, str]]
# Extra context for the result's template, from the job's params and result (names, money, labels).
Presenter = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Any  # a lazy string, shown on the job page
    work: JobWork
    template: str | None = None  # shows the result to people: gets `job`, `result` and what `present` adds
    back: BackLink | None = None
    present: Presenter | None = None


JOB_KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str,
    *,
    label: Any,
    template: str | None = None,
    back: BackLink | None = None,
    present: Presenter | None = None,
) -> Callable[[JobWork], JobWork]:
    """Register `work(params, progress) -> result`: params and result are JSON objects; `progress` takes a
    fraction between 0 and 1 and a short message. Raise a ServiceError to fail with a message people see.

    The job's page shows the result through `template` (with `present(params, result)`'s context) and
    links back to where the job was started through `back(params)`."""

    def register(work: JobWork) -> JobWork:
        JOB_KINDS[name] = JobKind(name, label, work, template, back, present)
        return work

    return register
