"""Reading uploaded CSV files line by line (every bad line named, nothing imported when any is bad) and
writing CSV that a spreadsheet opens without running anything."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from flask_babel import gettext as _

from participate.core.errors import ValidationFailed

MAX_LISTED_ERRORS = 20
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            _("The file is not UTF-8 text: save it as CSV (UTF-8) and try again.")
        ) from exc


def read(
    raw: bytes, required: Iterable[str], *, most: int
) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The header (lower-cased name -> column) and the non-empty lines with their line numbers."""
    text = decode(raw)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [cell.strip().casefold() for cell in next(reader)]
    except StopIteration as exc:
        raise ValidationFailed(_("The file is empty.")) from exc
    except csv.Error as exc:
        raise ValidationFailed(_("The file is not a CSV file.")) from exc
    missing = [name for name in required if name not in header]
    if missing:
        raise ValidationFailed(
            _(
                "The first line must name the columns %(columns)s; missing: %(missing)s.",
                columns=", ".join(required),
                missing=", ".join(missing),
            )
        )
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= most:
                raise ValidationFailed(_("The file has more than %(most)d lines.", most=most))
            rows.append((reader.line_num, cells + [""] * (len(header) - len(cells))))
    except csv.Error as exc:
        raise ValidationFailed(
            _(
                "Nothing was imported: line %(line)d cannot be read as CSV (%(error)s).",
                line=reader.line_num,
                error=str(exc),
            )
        ) from exc
    if not rows:
        raise ValidationFailed(_("The file has no lines under its header."))
    return {name: i for i, name in enumerate(header)}, rows


def line_errors(errors: list[tuple[int, str]]) -> ValidationFailed:
    shown = "; ".join(
        _("line %(line)d: %(problem)s", line=line, problem=problem)
        for line, problem in errors[:MAX_LISTED_ERRORS]
    )
    more = len(errors) - MAX_LISTED_ERRORS
    if more > 0:
        shown += " " + _("(and %(more)d more problems)", more=more)
    return ValidationFailed(
        _("Nothing was imported. Fix these lines and upload the file again: %(errors)s", errors=shown)
    )


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """CSV text, a line at a time (so a large export streams)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in itertools.chain([header], rows):
        writer.writerow([safe_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
