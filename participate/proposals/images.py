"""Proposal images: checked, re-encoded (so no metadata survives) and stored under a random name.

A small file can hold a huge picture (a 5 KB 1-bit PNG of 6,320 × 6,320 pixels), and decoding it takes
memory in proportion to its pixels, not its bytes. So: a pixel limit checked before decoding; a JPEG is
decoded already scaled down (`draft`), and other pictures are shrunk in their own compact mode before
any conversion to RGB; and only a few pictures are decoded at a time in a process, one per person.
"""

from __future__ import annotations

import io
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from participate.core.errors import Conflict, ValidationFailed

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# 24 megapixels: a 6000 × 4000 camera picture passes, a phone's 12 MP easily; a pixel flood does not.
MAX_PIXELS = 24_000_000
LONGEST_SIDE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
AVERAGED_MODES = {"L", "LA", "RGB", "RGBA", "CMYK"}  # modes Image.reduce averages
# Pictures decoded at once in this process, and how long an upload waits for its turn.
PARALLEL_DECODES = 2
WAIT_FOR_A_TURN_SECONDS = 20.0

_decode_slots = threading.BoundedSemaphore(PARALLEL_DECODES)
_people_decoding: set[int] = set()
_people_lock = threading.Lock()


@contextmanager
def decode_turn(person_id: int) -> Iterator[None]:
    """One picture at a time per person, and PARALLEL_DECODES at a time in all, in this process."""
    with _people_lock:
        if person_id in _people_decoding:
            raise Conflict(_("Your previous image is still being processed. Try again in a moment."))
        _people_decoding.add(person_id)
    try:
        if not _decode_slots.acquire(timeout=WAIT_FOR_A_TURN_SECONDS):
            raise Conflict(_("Many images are being processed right now. Try again in a minute."))
        try:
            yield
        finally:
            _decode_slots.release()
    finally:
        with _people_lock:
            _people_decoding.discard(person_id)


def prepare_image(data: bytes, *, person_id: int) -> tuple[str, bytes]:
    """A fresh name and the re-encoded JPEG. Refuses what is not a picture, or too large a one."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(_("The image is larger than 5 MB."))
    with decode_turn(person_id):
        picture = decode_reduced(data)
        picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
        encoded = io.BytesIO()
        # A fresh JPEG from the pixels alone: EXIF (location, camera) and anything else in the file is gone.
        picture.save(encoded, "JPEG", quality=85, optimize=True)
    return f"{secrets.token_urlsafe(18)}.jpg", encoded.getvalue()


def decode_reduced(data: bytes) -> Image.Image:
    """The picture in RGB, at most twice LONGEST_SIDE on its longest side, never converted at full size."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationFailed(_("Upload a JPEG, PNG, WebP or GIF image."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationFailed(_("The image has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            bound = (2 * LONGEST_SIDE, 2 * LONGEST_SIDE)
            if image.format == "JPEG":
                image.draft("RGB", bound)  # decodes at 1/2, 1/4 or 1/8 scale, as far as still >= bound
            image.load()
            return _shrunk_then_rgb(image, bound)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(_("This file is not an image we can read.")) from exc


def _shrunk_then_rgb(image: Image.Image, bound: tuple[int, int]) -> Image.Image:
    factor = max(-(-image.width // bound[0]), -(-image.height // bound[1]))
    if factor > 1:
        if image.mode in AVERAGED_MODES:
            image = image.reduce(factor)
        else:
            # Palette and 1-bit pictures cannot be averaged: a nearest-pixel shrink keeps them compact.
            size = (max(1, image.width // factor), max(1, image.height // factor))
            image = image.resize(size, Image.Resampling.NEAREST)
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    return image.convert("RGB")


def save_image(folder: Path, name: str, jpeg: bytes) -> None:
    """Runs after the commit (`after_commit`), so a refused or rolled-back proposal leaves no file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(jpeg)
