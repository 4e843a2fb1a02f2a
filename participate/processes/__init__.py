from flask import Blueprint

bp = Blueprint("processes", __name__, url_prefix="/processes")
# The domain's own staff screens, beside its public pages (see processes/manage.py).
manage_bp = Blueprint("process_manage", __name__, url_prefix="/manage/processes")

from participate.processes import manage, views  # noqa: E402,F401
