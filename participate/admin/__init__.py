from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.app_context_processor
def navigation_flags() -> dict[str, bool]:
    from participate.admin.policy import can_open_dashboard
    from participate.core.access import current_actor

    return {"can_open_admin": can_open_dashboard(current_actor())}


from participate.admin import views  # noqa: E402,F401
