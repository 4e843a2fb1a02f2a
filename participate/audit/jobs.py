"""The audit domain's background job: re-verify the whole hash chain, with progress."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participate.audit.services import verify_chain
from participate.jobs.registry import Progress, job_kind

VERIFY_CHAIN = "audit.verify_chain"


def _back(_params: dict[str, Any]) -> tuple[str, str]:
    return _("Back to the audit log"), url_for("admin.audit_log")


@job_kind(VERIFY_CHAIN, label=_l("Verify the audit chain"), template="audit/_verify_result.html", back=_back)
def verify_chain_job(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    report = verify_chain(progress)
    return {"entries": report.entries, "intact": report.ok, "first_broken_id": report.first_broken_id}
