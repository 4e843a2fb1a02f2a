"""A panel's materials: PDF documents and links, for one meeting or in the information kit (no meeting),
each public or for members only.

A document must start with the PDF magic bytes and be at most MAX_PDF_BYTES; it is stored under a
random name (like proposal images) after the commit, so a refused upload leaves no file, and is only
ever served as a download (`material_download`) with a fixed content type.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import Response, current_app, send_from_directory
from flask_babel import gettext as _
from sqlalchemy import select

from participate.accounts.models import User
from participate.core.after_commit import after_commit
from participate.core.errors import ValidationFailed
from participate.core.numbers import row_by_id
from participate.extensions import db
from participate.panels.meeting_models import Material, MaterialKind, Meeting
from participate.panels.models import Panel
from participate.panels.setup import record_on_panel, require_manager

# Below MAX_UPLOAD_LENGTH (6 MB a request), so the form's own message answers a large file, not a 413.
MAX_PDF_BYTES = 5 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
MAX_MATERIALS = 300
WEB_ADDRESS = re.compile(r"^https?://[^\s<>\"']+$")


def folder() -> Path:
    configured = current_app.config.get("PANEL_MATERIALS_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads" / "panel-materials"


@dataclass(frozen=True)
class MaterialInput:
    title: str
    public: bool
    meeting: Meeting | None
    url: str = ""  # a link
    filename: str = ""  # a document: its uploaded name and bytes
    data: bytes = b""


def safe_filename(name: str) -> str:
    """The uploaded name in plain ASCII letters, digits, - and _, ending in .pdf ("Årsrapport 2026.pdf" →
    "Arsrapport-2026.pdf"), so the Content-Disposition header can never be broken out of."""
    stem = unicodedata.normalize("NFKD", Path(name).stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:80]
    return f"{stem or 'document'}.pdf"


def _check_pdf(data: bytes) -> None:
    if not data:
        raise ValidationFailed(_("Choose a PDF file to upload."))
    if len(data) > MAX_PDF_BYTES:
        raise ValidationFailed(_("The file is larger than %(mb)d MB.", mb=MAX_PDF_BYTES // (1024 * 1024)))
    if not data.startswith(PDF_MAGIC):
        raise ValidationFailed(_("Only PDF files can be uploaded: this file is not a PDF."))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def add_material(actor: User | None, panel: Panel, data: MaterialInput, kind: MaterialKind) -> Material:
    require_manager(actor, panel)
    title = data.title.strip()
    if not title:
        raise ValidationFailed(_("Give the material a title."))
    if data.meeting is not None and data.meeting.panel_id != panel.id:
        raise ValidationFailed(_("Choose one of this panel's meetings."))
    count = len(db.session.scalars(select(Material.id).where(Material.panel_id == panel.id)).all())
    if count >= MAX_MATERIALS:
        raise ValidationFailed(_("A panel may have at most %(most)d materials.", most=MAX_MATERIALS))
    material = Material(
        panel_id=panel.id,
        meeting_id=data.meeting.id if data.meeting else None,
        kind=kind.value,
        title=title[:200],
        public=data.public,
        created_by_id=getattr(actor, "id", None),
    )
    if kind is MaterialKind.LINK:
        url = data.url.strip()
        if not WEB_ADDRESS.match(url) or len(url) > 500:
            raise ValidationFailed(_("The link must be a web address starting with https:// or http://."))
        material.url = url
    else:
        _check_pdf(data.data)
        material.stored_name = f"{secrets.token_urlsafe(24)}.pdf"
        material.filename = safe_filename(data.filename)
        material.size_bytes = len(data.data)
        after_commit(_write, folder() / material.stored_name, data.data)
    db.session.add(material)
    db.session.flush()
    record_on_panel(
        "panel.material_added", actor, panel,
        material=material.id, kind=kind.value, title=material.title, public=material.public,
        meeting=material.meeting_id,
    )  # fmt: skip
    return material


def set_public(actor: User | None, panel: Panel, material: Material, public: bool) -> Material:
    require_manager(actor, panel)
    material.public = public
    db.session.flush()
    record_on_panel("panel.material_visibility", actor, panel, material=material.id, public=public)
    return material


def delete_material(actor: User | None, panel: Panel, material: Material) -> None:
    require_manager(actor, panel)
    if material.stored_name:
        after_commit(_remove, folder() / material.stored_name)
    record_on_panel("panel.material_deleted", actor, panel, material=material.id, title=material.title)
    db.session.delete(material)
    db.session.flush()


def find_material(panel: Panel, material_id: int) -> Material | None:
    material = row_by_id(Material, material_id)
    return material if material is not None and material.panel_id == panel.id else None


def materials_of(
    panel: Panel, *, meeting_id: int | None = None, public_only: bool = False, kit: bool = False
) -> list[Material]:
    """One meeting's materials, the information kit (`kit`), or (neither) all of them."""
    query = select(Material).where(Material.panel_id == panel.id)
    if kit:
        query = query.where(Material.meeting_id.is_(None))
    elif meeting_id is not None:
        query = query.where(Material.meeting_id == meeting_id)
    if public_only:
        query = query.where(Material.public.is_(True))
    return list(db.session.scalars(query.order_by(Material.created_at, Material.id)))


def grouped(panel: Panel, *, public_only: bool) -> dict[int | None, list[Material]]:
    """Materials by meeting id (None: the information kit)."""
    groups: dict[int | None, list[Material]] = {}
    for material in materials_of(panel, public_only=public_only):
        groups.setdefault(material.meeting_id, []).append(material)
    return groups


def material_download(material: Material) -> Response:
    """A stored PDF as a download: never shown inline, never sniffed as anything else, never cached
    by a shared cache (members-only documents go through here too)."""
    response = send_from_directory(
        folder(),
        material.stored_name or "",
        mimetype="application/pdf",
        as_attachment=True,
        download_name=material.filename or "document.pdf",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if not material.public else "public, max-age=300"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
