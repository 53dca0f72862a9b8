"""The two CSV files published with a draw manifest, and the draw inputs read from them.

Pure Python, no Django.  ``targets.csv`` is the target directory snapshot (one row per
target and inspection item), ``inspectors.csv`` the inspector pool; both are UTF-8,
RFC 4180 with CRLF line ends (docs/methods/manifest.md §1–2).  From their rows come the
strata of the draw (:func:`population`) and the targets that get a team
(:func:`team_targets`).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ticcoop.methods.strata import RISK_CLASSES, StratumKey
from ticcoop.methods.team_rules import Inspector, TeamTarget

__all__ = [
    "INSPECTOR_COLUMNS",
    "TARGET_COLUMNS",
    "ManifestInputError",
    "TargetRow",
    "iter_targets_csv",
    "population",
    "read_inspectors_csv",
    "read_targets_csv",
    "team_targets",
    "write_inspectors_csv",
    "write_targets_csv",
]

TARGET_COLUMNS = (
    "id",
    "name",
    "region",
    "risk_class",
    "item",
    "entity_type",
    "size",
    "sector",
    "area",
    "institutions",
    "ties",
    "excluded",
)
INSPECTOR_COLUMNS = ("id", "region", "employer", "capacity", "ties", "recent_targets")
LIST_SEPARATOR = ";"


class ManifestInputError(ValueError):
    """A published file cannot be read; the message names the file, line and field."""


@dataclass(frozen=True)
class TargetRow:
    """One row of targets.csv: a target under one inspection item."""

    id: str
    name: str
    region: str
    risk_class: str
    item: str
    entity_type: str = ""
    size: str = ""
    sector: str = ""
    area: str = ""
    institutions: frozenset[str] = frozenset()
    ties: frozenset[str] = frozenset()
    excluded: str = ""  # non-empty: the reason the target is not in the draw


def _join(values: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(sorted(values))


def _split(value: str) -> frozenset[str]:
    return frozenset(part for part in value.split(LIST_SEPARATOR) if part)


#: Rows written to text, then encoded, at a time: the whole file is never held as text.
WRITE_CHUNK = 10_000


def _write(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    parts: list[bytes] = []
    for number, row in enumerate(rows, start=1):
        writer.writerow(row)
        if number % WRITE_CHUNK == 0:
            parts.append(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    parts.append(buffer.getvalue().encode("utf-8"))
    return b"".join(parts)


def write_targets_csv(rows: Iterable[TargetRow]) -> bytes:
    """targets.csv: UTF-8, RFC 4180 (CRLF), rows sorted by (id, item)."""
    ordered = sorted(rows, key=lambda r: (r.id, r.item))
    return _write(
        TARGET_COLUMNS,
        (
            (
                *(r.id, r.name, r.region, r.risk_class, r.item, r.entity_type, r.size),
                *(r.sector, r.area, _join(r.institutions), _join(r.ties), r.excluded),
            )
            for r in ordered
        ),
    )


def write_inspectors_csv(rows: Iterable[Inspector]) -> bytes:
    """inspectors.csv: UTF-8, RFC 4180 (CRLF), rows sorted by id."""
    ordered = sorted(rows, key=lambda r: r.id)
    return _write(
        INSPECTOR_COLUMNS,
        (
            (r.id, r.region, r.employer, str(r.capacity), _join(r.ties), _join(r.recent_targets))
            for r in ordered
        ),
    )


#: Bytes checked (and decoded) at a time: a million-row targets.csv is never one string.
TEXT_CHUNK = 1 << 20


def _check_utf8(data: bytes, name: str) -> None:
    """Raise on the first byte that is not UTF-8, before any row is read (as one decode of
    the whole file would), without holding the decoded text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), TEXT_CHUNK):
            decoder.decode(view[start : start + TEXT_CHUNK], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        try:
            data.decode("utf-8")  # the whole file, only on this error path: its exact byte
        except UnicodeDecodeError as exc:
            raise ManifestInputError(f"{name}: byte {exc.start + 1} is not UTF-8") from None


def _records(data: bytes, name: str, columns: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    _check_utf8(data, name)
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header != list(columns):
            raise ManifestInputError(f"{name} line 1: header must be {','.join(columns)}")
        for row in reader:
            if len(row) != len(columns):
                raise ManifestInputError(
                    f"{name} line {reader.line_num}: {len(row)} fields, expected {len(columns)}"
                )
            yield reader.line_num, row
    except csv.Error as exc:
        raise ManifestInputError(f"{name} line {reader.line_num}: {exc}") from None


def read_targets_csv(data: bytes) -> list[TargetRow]:
    return list(iter_targets_csv(data))


def iter_targets_csv(data: bytes) -> Iterator[TargetRow]:
    """The rows of targets.csv, checked, one at a time (a caller keeps only what it needs).

    A repeated (id, item) is found without a table of every key while the keys ascend, as
    ``write_targets_csv`` writes them: a repeat is then the line just before.  From the first
    key out of order on, every key is remembered (read again from the start up to there)."""
    seen: dict[tuple[str, str], int] | None = None
    previous: tuple[str, str] | None = None
    previous_line = 0
    for line, values in _records(data, "targets.csv", TARGET_COLUMNS):
        record = dict(zip(TARGET_COLUMNS, values, strict=True))
        for field in ("id", "region", "item"):
            if not record[field]:
                raise ManifestInputError(f"targets.csv line {line}: {field} is empty")
        if record["risk_class"] not in RISK_CLASSES:
            raise ManifestInputError(
                f"targets.csv line {line}: risk_class {record['risk_class']!r} must be one of "
                f"{', '.join(RISK_CLASSES)}"
            )
        key = (record["id"], record["item"])
        if seen is None and previous is not None and key <= previous:
            seen = _lines_before(data, line)
        first = seen.get(key) if seen is not None else None
        if first is None and key == previous:
            first = previous_line
        if first is not None:
            raise ManifestInputError(
                f"targets.csv line {line}: id {key[0]!r} with item {key[1]!r} already on line "
                f"{first}"
            )
        if seen is not None:
            seen[key] = line
        previous, previous_line = key, line
        yield TargetRow(
            id=record["id"],
            name=record["name"],
            region=record["region"],
            risk_class=record["risk_class"],
            item=record["item"],
            entity_type=record["entity_type"],
            size=record["size"],
            sector=record["sector"],
            area=record["area"],
            institutions=_split(record["institutions"]),
            ties=_split(record["ties"]),
            excluded=record["excluded"],
        )


def _lines_before(data: bytes, stop: int) -> dict[tuple[str, str], int]:
    """(id, item) → line of every row before line ``stop`` (rows already checked)."""
    id_at, item_at = TARGET_COLUMNS.index("id"), TARGET_COLUMNS.index("item")
    seen: dict[tuple[str, str], int] = {}
    for line, values in _records(data, "targets.csv", TARGET_COLUMNS):
        if line >= stop:
            break
        seen.setdefault((values[id_at], values[item_at]), line)
    return seen


def read_inspectors_csv(data: bytes) -> list[Inspector]:
    rows: list[Inspector] = []
    seen: dict[str, int] = {}
    for line, values in _records(data, "inspectors.csv", INSPECTOR_COLUMNS):
        record = dict(zip(INSPECTOR_COLUMNS, values, strict=True))
        if not record["id"] or not record["region"]:
            raise ManifestInputError(f"inspectors.csv line {line}: id and region are required")
        if record["id"] in seen:
            raise ManifestInputError(
                f"inspectors.csv line {line}: id {record['id']!r} already on line "
                f"{seen[record['id']]}"
            )
        seen[record["id"]] = line
        if not record["capacity"].isdigit() or not record["capacity"].isascii():
            raise ManifestInputError(
                f"inspectors.csv line {line}: capacity {record['capacity']!r} must be an "
                "integer >= 0"
            )
        rows.append(
            Inspector(
                id=record["id"],
                region=record["region"],
                employer=record["employer"],
                capacity=int(record["capacity"]),
                ties=_split(record["ties"]),
                recent_targets=_split(record["recent_targets"]),
            )
        )
    return rows


def population(targets: Iterable[TargetRow]) -> dict[StratumKey, list[str]]:
    """The strata of the draw: rows without an exclusion, grouped by (region, class, item)."""
    groups: dict[StratumKey, list[str]] = {}
    for row in targets:
        if not row.excluded:
            key = StratumKey(row.region, row.risk_class, row.item)
            groups.setdefault(key, []).append(row.id)
    return groups


def team_targets(targets: Iterable[TargetRow], drawn: Iterable[str]) -> list[TeamTarget]:
    """One team target per drawn id (a target drawn for several items gets one team).

    Only the drawn ids' rows are kept: ``targets`` may be every row of a million-row file."""
    wanted = sorted(set(drawn))
    keep = set(wanted)
    by_id: dict[str, list[TargetRow]] = {}
    for row in targets:
        if row.id in keep:
            by_id.setdefault(row.id, []).append(row)
    result: list[TeamTarget] = []
    for target_id in wanted:
        rows = by_id[target_id]
        regions = {row.region for row in rows}
        if len(regions) > 1:
            raise ManifestInputError(f"targets.csv: id {target_id!r} has several regions")
        result.append(
            TeamTarget(
                id=target_id,
                region=rows[0].region,
                institutions=frozenset().union(*(row.institutions for row in rows)),
                ties=frozenset().union(*(row.ties for row in rows)),
            )
        )
    return result
