"""Reading the three input formats of the contract (../shared/docs/sortition.md).

1. Sortition Foundation features CSV: ``feature,value,min,max[,min_flex,max_flex]``.
2. Its older header ``category,name,min,max``.
3. The Nature paper's replication format: ``categories.csv`` with ``category,feature,min,max`` (there
   ``feature`` is the value) and ``respondents.csv`` without ids (ids become ``r0``, ``r1``, ... by row).

Headers and values match case-insensitively after trimming spaces; the spelling of the features file wins.
Rows whose feature cell is empty are ignored (spreadsheets export notes that way).
"""

from __future__ import annotations

import csv
import io as _io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from participate.sortition.errors import InputError
from participate.sortition.model import Feature, Person, Pool, Quota, normalise_address

FORMAT_SF = "feature,value"
FORMAT_SF_OLD = "category,name"
FORMAT_REPLICATION = "category,feature"


@dataclass(frozen=True)
class FeaturesFile:
    features: tuple[Feature, ...]
    format: str  # one of FORMAT_*


def _read_text(source: str | Path) -> str:
    try:
        return Path(source).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"File not found: {source}") from None
    except UnicodeDecodeError:
        raise InputError(f"File is not UTF-8 text: {source}") from None
    except OSError as exc:
        raise InputError(f"Cannot read {source}: {exc.strerror}") from None


def _rows(text: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(_io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("The file is empty.") from None
    except csv.Error as exc:
        raise InputError(f"Not a valid CSV file: {exc}") from None
    try:
        body = list(reader)
    except csv.Error as exc:
        raise InputError(f"Not a valid CSV file: {exc}") from None
    return [h.strip() for h in header], body


def _int(cell: str, what: str, row: int) -> int:
    text = cell.strip()
    try:
        number = int(float(text)) if text and float(text).is_integer() else int(text)
    except ValueError:
        raise InputError(f"Features row {row}: {what} {cell!r} is not a whole number.") from None
    if number < 0:
        raise InputError(f"Features row {row}: {what} {number} is negative.")
    return number


@dataclass(frozen=True)
class _FeatureColumns:
    """Where each column of a features file is (None: the optional flex columns are absent)."""

    feature: int
    value: int
    min: int
    max: int
    min_flex: int | None
    max_flex: int | None


def parse_features(text: str) -> FeaturesFile:
    header, body = _rows(text)
    fmt, where = _feature_columns(header)
    order: list[str] = []
    quotas: dict[str, list[Quota]] = {}
    seen: dict[tuple[str, str], int] = {}
    canonical: dict[str, str] = {}
    for row_no, row in enumerate(body, start=2):
        cells = row + [""] * (len(header) - len(row))
        fname = cells[where.feature].strip()
        if not fname:
            continue
        value = cells[where.value].strip()
        if not value:
            raise InputError(f"Features row {row_no}: feature {fname!r} has an empty value.")
        fname = canonical.setdefault(fname.casefold(), fname)
        key = (fname.casefold(), value.casefold())
        if key in seen:
            raise InputError(
                f"Features row {row_no}: {fname}={value} is listed twice (first on row {seen[key]})."
            )
        seen[key] = row_no
        if fname not in quotas:
            order.append(fname)
            quotas[fname] = []
        quotas[fname].append(_quota(fname, value, cells, where, row_no))
    if not order:
        raise InputError("The features file lists no features.")
    return FeaturesFile(tuple(Feature(name, tuple(quotas[name])) for name in order), fmt)


def _feature_columns(header: list[str]) -> tuple[str, _FeatureColumns]:
    """The file's layout (which of the three formats) and where its columns are."""
    lower = [h.casefold() for h in header]

    def col(name: str) -> int | None:
        return lower.index(name) if name in lower else None

    layouts = [(FORMAT_SF, "feature", "value"), (FORMAT_SF_OLD, "category", "name")]
    layouts.append((FORMAT_REPLICATION, "category", "feature"))
    for layout, f_name, v_name in layouts:
        f_found, v_found = col(f_name), col(v_name)
        if f_found is not None and v_found is not None:
            fmt, f_col, v_col = layout, f_found, v_found
            break
    else:
        raise InputError(
            "Features file header must be 'feature,value,min,max' (or 'category,name,min,max', "
            f"or the replication format 'category,feature,min,max'); got {','.join(header)!r}."
        )
    min_col, max_col = col("min"), col("max")
    if min_col is None or max_col is None:
        raise InputError("Features file needs 'min' and 'max' columns.")
    return fmt, _FeatureColumns(f_col, v_col, min_col, max_col, col("min_flex"), col("max_flex"))


def _quota(fname: str, value: str, cells: list[str], where: _FeatureColumns, row_no: int) -> Quota:
    """One row's quota, its numbers checked against each other."""
    qmin = _int(cells[where.min], f"min of {fname}={value}", row_no)
    qmax = _int(cells[where.max], f"max of {fname}={value}", row_no)
    if qmin > qmax:
        raise InputError(f"Features row {row_no}: {fname}={value} has min {qmin} greater than max {qmax}.")
    min_flex = _optional_int(cells, where.min_flex, f"min_flex of {fname}={value}", row_no)
    max_flex = _optional_int(cells, where.max_flex, f"max_flex of {fname}={value}", row_no)
    if min_flex is not None and min_flex > qmin:
        raise InputError(
            f"Features row {row_no}: {fname}={value} has min_flex {min_flex} greater than min {qmin}."
        )
    if max_flex is not None and max_flex < qmax:
        raise InputError(
            f"Features row {row_no}: {fname}={value} has max_flex {max_flex} smaller than max {qmax}."
        )
    return Quota(fname, value, qmin, qmax, min_flex or 0, max_flex)


def _optional_int(cells: list[str], column: int | None, what: str, row_no: int) -> int | None:
    if column is None or not cells[column].strip():
        return None
    return _int(cells[column], what, row_no)


def read_features(source: str | Path) -> FeaturesFile:
    return parse_features(_read_text(source))


def parse_people(
    text: str,
    features: Sequence[Feature],
    *,
    id_column: str = "id",
    address_columns: Iterable[str] = (),
    generate_ids: bool = False,
) -> Pool:
    """People CSV -> Pool. With `generate_ids` (replication format) and no id column, ids are r0, r1, ..."""
    header, body = _rows(text)
    id_col, feature_cols, address_cols = _people_columns(
        header, features, id_column, address_columns, generate_ids
    )
    lookups = [{q.value.casefold(): q.value for q in f.quotas} for f in features]

    people: list[Person] = []
    rows_of: dict[str, int] = {}
    for row_no, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        pid = f"r{len(people)}" if id_col is None else cells[id_col].strip()
        if not pid:
            raise InputError(f"People row {row_no} has no id.")
        if pid in rows_of:
            raise InputError(f"Duplicate person id {pid!r} (rows {rows_of[pid]} and {row_no}).")
        rows_of[pid] = row_no
        values = tuple(
            _person_value(pid, row_no, feature, cells[c], lookup)
            for feature, c, lookup in zip(features, feature_cols, lookups, strict=True)
        )
        address = normalise_address([cells[c] for c in address_cols]) if address_cols else ""
        people.append(Person(pid, values, address))
    if not people:
        raise InputError("The people file lists nobody.")
    return Pool(tuple(features), tuple(people))


def _people_columns(
    header: list[str],
    features: Sequence[Feature],
    id_column: str,
    address_columns: Iterable[str],
    generate_ids: bool,
) -> tuple[int | None, list[int], list[int]]:
    """Where the id (None: ids are generated), each feature and each address column are."""
    lower = [h.casefold() for h in header]
    id_col: int | None = lower.index(id_column.casefold()) if id_column.casefold() in lower else None
    if id_col is None and not generate_ids:
        raise InputError(f"People file has no id column {id_column!r} (choose it with --id-column).")
    feature_cols: list[int] = []
    for feature in features:
        if feature.name.casefold() not in lower:
            raise InputError(f"People file has no column for feature {feature.name!r}.")
        feature_cols.append(lower.index(feature.name.casefold()))
    address_cols: list[int] = []
    for name in address_columns:
        if name.casefold() not in lower:
            raise InputError(f"People file has no address column {name!r}.")
        address_cols.append(lower.index(name.casefold()))
    return id_col, feature_cols, address_cols


def _person_value(pid: str, row_no: int, feature: Feature, cell: str, lookup: dict[str, str]) -> str:
    """The person's value of the feature, spelt as in the features file."""
    raw = cell.strip()
    if not raw:
        raise InputError(f"Person {pid!r} (row {row_no}) has no value for feature {feature.name!r}.")
    if raw.casefold() not in lookup:
        known = ", ".join(feature.values)
        raise InputError(
            f"Person {pid!r} (row {row_no}) has {feature.name}={raw!r}, which is not a value "
            f"in the features file ({known})."
        )
    return lookup[raw.casefold()]


def load_pool(
    features_path: str | Path,
    people_path: str | Path,
    *,
    id_column: str = "id",
    address_columns: Iterable[str] = (),
) -> Pool:
    """Read a features file in any of the three formats and the matching people file."""
    ff = read_features(features_path)
    return parse_people(
        _read_text(people_path),
        ff.features,
        id_column=id_column,
        address_columns=tuple(address_columns),
        generate_ids=ff.format == FORMAT_REPLICATION,
    )
