from flask import Blueprint, jsonify, render_template
from flask_login import login_required

from participate.core.access import load
from participate.jobs import policy, services
from participate.jobs.models import Job
from participate.jobs.registry import JOB_KINDS

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

REFRESH_SECONDS = 2


@bp.get("/<int:job_id>")
@login_required
def detail(job_id: int):
    job = load(Job, job_id, see=policy.can_view)
    kind = JOB_KINDS.get(job.kind)
    result = job.result or {}
    shown = {}
    if kind is not None and kind.present is not None and job.result is not None:
        shown = kind.present(job.params or {}, result)
    return render_template(
        "jobs/detail.html",
        job=job,
        label=kind.label if kind else job.kind,
        result_template=kind.template if kind else None,
        result=result,
        back=kind.back(job.params or {}) if kind and kind.back else None,
        refresh_seconds=None if job.finished else REFRESH_SECONDS,
        **shown,
    )


@bp.get("/<int:job_id>/status")
@login_required
def status(job_id: int):
    job = load(Job, job_id, see=policy.can_view)
    return jsonify(services.status_document(job))
