"""Reading the CSV files staff upload (a census, a list of addresses, respondents): UTF-8 text in any of
the dialects a spreadsheet saves (comma, semicolon or tab, sniffed), a header line naming the columns,
and every bad line named in one refusal, so that nothing is imported from a file with any bad line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from flask_babel import gettext as _

from participate.core.errors import ValidationFailed

MAX_LISTED_ERRORS = 20


class Lines(Protocol):
    """A csv reader past the header: its lines, and the number of the line last read."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            _("The file is not UTF-8 text: save it as CSV (UTF-8) and try again.")
        ) from exc


def open_csv(raw: bytes) -> tuple[list[str], Lines]:
    """The header (each name stripped and case-folded) and a reader of the lines under it."""
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
    return header, reader


def missing_columns(header: list[str], required: Iterable[str]) -> list[str]:
    return [name for name in required if name not in header]


def read(
    raw: bytes, required: Iterable[str], *, most: int
) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The header (lower-cased name -> column) and the non-empty lines with their line numbers, each
    padded to the header's width."""
    required = list(required)
    header, reader = open_csv(raw)
    if missing := missing_columns(header, required):
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
    """One refusal naming the first MAX_LISTED_ERRORS bad lines (and how many more there are)."""
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
