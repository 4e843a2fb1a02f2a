"""Administration: users and roles, the audit log, and the dashboard that leads to each domain's screens."""

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from participate.accounts import services as accounts
from participate.accounts.models import role_label
from participate.admin import policy
from participate.admin.forms import RoleForm, VerifyChainForm
from participate.audit import services as audit
from participate.audit.jobs import VERIFY_CHAIN
from participate.audit.labels import action_label
from participate.core.access import current_actor, requires
from participate.core.transaction import run_form
from participate.jobs import services as jobs
from participate.processes import services as processes

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.app_context_processor
def navigation_flags() -> dict[str, bool]:
    return {"can_open_admin": policy.can_open_dashboard(current_actor())}


@bp.get("/")
@requires(policy.can_open_dashboard)
def dashboard():
    listed = processes.list_all_processes()
    return render_template(
        "admin/dashboard.html",
        processes=listed,
        phases={process.id: processes.phase_now(process) for process in listed},
        can_manage_users=policy.can_manage_users(current_actor()),
    )


def _render_users(role_form: RoleForm) -> str:
    query = request.args.get("q", "")
    page = request.args.get("page", 1, type=int)
    return render_template(
        "admin/users.html",
        listing=accounts.list_users(query, page=page),
        query=query,
        role_form=role_form,
        role_label=role_label,
    )


@bp.get("/users")
@requires(policy.can_manage_users)
def users():
    return _render_users(RoleForm())


def _change_role(form: RoleForm, user_id: int) -> str:
    user = accounts.get_user(user_id)
    label = role_label(form.role.data)
    if form.revoke.data:
        accounts.revoke_role(current_actor(), user, form.role.data)
        return _("%(role)s role removed from %(name)s.", role=label, name=user.display_name)
    accounts.grant_role(current_actor(), user, form.role.data)
    return _("%(role)s role granted to %(name)s.", role=label, name=user.display_name)


@bp.post("/users/<int:user_id>/roles")
@requires(policy.can_manage_users)
def change_role(user_id: int):
    form = RoleForm()
    return run_form(
        form,
        lambda: _change_role(form, user_id),
        done=lambda message: (message, url_for("admin.users", q=request.args.get("q") or None)),
        render=lambda: _render_users(form),
    )


@bp.get("/audit")
@requires(policy.can_read_audit_log)
def audit_log():
    return _render_audit(VerifyChainForm())


def _render_audit(form: VerifyChainForm) -> str:
    page = request.args.get("page", 1, type=int)
    return render_template(
        "admin/audit.html",
        listing=audit.entries_page(page),
        last_check=jobs.latest_job(VERIFY_CHAIN),
        describe=audit.describe_subject,
        action_label=action_label,
        form=form,
    )


@bp.post("/audit/verify")
@requires(policy.can_read_audit_log)
def verify_audit_chain():
    form = VerifyChainForm()
    return run_form(
        form,
        lambda: jobs.start_job(current_actor(), VERIFY_CHAIN),
        done=lambda job: (_("The check has started."), url_for("jobs.detail", job_id=job.id)),
        render=lambda: _render_audit(form),
    )


@audit.describes("user")
def _describe_user(subject_id: str) -> tuple[str, str | None]:
    user = accounts.find_user(subject_id)
    if user is None:
        return _("account %(id)s", id=subject_id), None
    return user.display_name, url_for("admin.users", q=user.email)
