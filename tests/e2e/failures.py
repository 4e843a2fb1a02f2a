"""Where a failed browser test leaves what the browser showed: a full-page screenshot and the page's HTML,
named after the test. `make e2e` prints the directory; E2E_FAILURES moves it (CI can keep it as an
artifact)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAILURES = Path(os.environ.get("E2E_FAILURES") or ROOT / "build" / "e2e-failures")


def clear_failures() -> None:
    """A run starts with an empty directory, so what is there belongs to the last run."""
    shutil.rmtree(FAILURES, ignore_errors=True)


def keep_failure(page, name: str) -> list[Path]:
    if page.is_closed():
        return []
    FAILURES.mkdir(parents=True, exist_ok=True)
    stem = FAILURES / re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")
    kept = []
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
        kept.append(Path(f"{stem}.png"))
    except Exception:  # noqa: BLE001 - a page that cannot be photographed still has its HTML
        pass
    try:
        Path(f"{stem}.html").write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
        kept.append(Path(f"{stem}.html"))
    except Exception:  # noqa: BLE001
        pass
    return kept
