"""Proposal images: checked, re-encoded (so no metadata survives) and stored under a random name."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from participate.core.errors import ValidationFailed

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
LONGEST_SIDE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def prepare_image(data: bytes) -> tuple[str, bytes]:
    """A fresh name and the re-encoded JPEG. Refuses what is not a picture, or too large a one."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(_("The image is larger than 5 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationFailed(_("Upload a JPEG, PNG, WebP or GIF image."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationFailed(_("The image has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(_("This file is not an image we can read.")) from exc
    picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    encoded = io.BytesIO()
    # A fresh JPEG from the pixels alone: EXIF (location, camera) and anything else in the file is gone.
    picture.save(encoded, "JPEG", quality=85, optimize=True)
    return f"{secrets.token_urlsafe(18)}.jpg", encoded.getvalue()


def save_image(folder: Path, name: str, jpeg: bytes) -> None:
    """Runs after the commit (`after_commit`), so a refused or rolled-back proposal leaves no file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(jpeg)
