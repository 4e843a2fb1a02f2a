"""Peak memory of decoding one uploaded picture: the pixel flood of issue 17 and the largest pictures
still accepted, each in a fresh process (so one's peak does not hide another's).

    .venv/bin/python bench/images.py

Prints one line per picture: its file size, its pixels, and the peak resident memory of a process that
only imports Pillow and the app's image module, then prepares the picture (`prepare_image`), minus that
of the same process before it. "before" is the old way (open, convert to RGB at full size, thumbnail),
for comparison. Figures are noisy on a shared machine.
"""

from __future__ import annotations

import io
import resource
import subprocess
import sys

PICTURES = {
    "flood: 1-bit PNG 6320x6320": ("1", (6320, 6320), "PNG"),
    "1-bit PNG 4800x4800 (23 MP)": ("1", (4800, 4800), "PNG"),
    "palette GIF 4800x4800": ("P", (4800, 4800), "GIF"),
    "JPEG 6000x4000 (24 MP)": ("RGB", (6000, 4000), "JPEG"),
}


def _child(label: str, way: str) -> None:
    from PIL import Image

    from participate.proposals import images

    mode, size, kind = PICTURES[label]
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, kind)
    data = buffer.getvalue()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome = "accepted"
    try:
        if way == "before":
            with Image.open(io.BytesIO(data)) as image:
                picture = image.convert("RGB")
            picture.thumbnail((images.LONGEST_SIDE, images.LONGEST_SIDE))
        else:
            images.prepare_image(data, person_id=1)
    except Exception as exc:  # a refusal is the outcome we report
        outcome = f"refused ({exc})"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{label:32} {way:6} {len(data) / 1024:8.1f} KB  {size[0] * size[1] / 1e6:5.1f} MP  "
        f"+{(peak - before) / 1024:7.1f} MB  {outcome}"
    )


def main() -> None:
    if len(sys.argv) == 3:
        _child(sys.argv[1], sys.argv[2])
        return
    for label in PICTURES:
        for way in ("before", "now"):
            subprocess.run([sys.executable, __file__, label, way], check=True)


if __name__ == "__main__":
    main()
