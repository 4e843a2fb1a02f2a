"""Hypothesis strategies the fuzzing tests share: files that start valid and are then mutated."""

from __future__ import annotations

from hypothesis import strategies as st

ODD_CELLS = [
    "", " ", "0", "1", "2", "-1", "1.5", "1e3", "1e400", "nan", "inf", "-0", "²", "١٢", "9" * 25, "0x10",
    "x", ";", ",", '"', "'", "\t", "\r", "\x00", "é", "\u202e", "META", "PROJECTS", "VOTES", "None",
]  # fmt: skip
CELL = st.one_of(st.sampled_from(ODD_CELLS), st.text(max_size=6))


def mutated(lines: list[str], separator: str) -> st.SearchStrategy[str]:
    """A valid file's lines with a few changes: a line dropped, doubled, replaced by junk, or a cell changed."""

    @st.composite
    def build(draw) -> str:
        out = list(lines)
        for _ in range(draw(st.integers(0, 4))):
            if not out:
                break
            i = draw(st.integers(0, len(out) - 1))
            change = draw(st.sampled_from(["drop", "double", "junk", "cell", "cell", "cell"]))
            if change == "drop":
                del out[i]
            elif change == "double":
                out.insert(i, out[i])
            elif change == "junk":
                out[i] = separator.join(draw(st.lists(CELL, max_size=5)))
            else:
                cells = out[i].split(separator)
                cells[draw(st.integers(0, len(cells) - 1))] = draw(CELL)
                out[i] = separator.join(cells)
        ending = draw(st.sampled_from(["\n", "\r\n", ""]))
        return "\n".join(out) + ending

    return build()


# A Sortition Foundation features file in each layout the readers accept.
FEATURES_LINES = {
    "sf": ["feature,value,min,max", "gender,woman,2,3", "gender,man,2,3", "age,young,1,3", "age,old,1,4"],
    "sf_flex": ["feature,value,min,max,min_flex,max_flex", "gender,woman,2,3,0,5", "gender,man,2,3,1,4"],
    "old": ["category,name,min,max", "Gender,Woman,2,3", "Gender,Man,2,3"],
    "replication": ["category,feature,min,max", "gender,f,1,2", "gender,m,1,2"],
}
