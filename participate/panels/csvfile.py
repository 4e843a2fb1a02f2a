"""The panels' CSV files: uploads read by core.csv_import, and exports written a line at a time through
core.csv_export.spreadsheet_safe (so a spreadsheet opens them without running anything)."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator

from participate.core.csv_export import spreadsheet_safe

# The reader is core's (the census uses it too); these names stay here for the panels' modules.
from participate.core.csv_import import decode as decode
from participate.core.csv_import import line_errors as line_errors
from participate.core.csv_import import read as read


def write(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """CSV text, a line at a time (so a large export streams)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in itertools.chain([header], rows):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
