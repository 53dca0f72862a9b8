"""The dashboard as open data: JSON (all tables) and CSV (long, or one table wide).

Every file carries the time it was generated and the year of the "flow" figures; regions are
given by their code and their Chinese (and English) name.  Shares are fractions in [0, 1]
(empty when undefined, e.g. no PT results in a region).
"""

from __future__ import annotations

from typing import Any

from ticcoop import exports
from ticcoop.disclosure.dashboard import Dashboard, Table

LONG_FIELDS = [
    "generated_at",
    "year",
    "table",
    "metric",
    "metric_label",
    "kind",
    "region_code",
    "region_name_zh",
    "value",
]


def as_json(board: Dashboard) -> dict[str, Any]:
    return {
        "generated_at": board.generated_at.isoformat(),
        "year": board.year,
        "today": board.today.isoformat(),
        "regions": [
            {"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en} for r in board.regions
        ],
        "tables": [
            {
                "key": table.key,
                "title": str(table.title),
                "period": str(table.period),
                "columns": [
                    {"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.columns
                ],
                "rows": [
                    {
                        "region_code": r.code,
                        "region_name_zh": r.name_zh,
                        "values": table.values[r.code],
                    }
                    for r in board.regions
                ],
            }
            for table in board.tables
        ],
    }


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    # Open-data CSVs start with a UTF-8 byte-order mark: Excel on Chinese Windows otherwise
    # reads them as GBK and shows mojibake; csv readers take them with "utf-8-sig" (README).
    return exports.csv_bytes(header, rows, bom=True)


def long_csv(board: Dashboard) -> bytes:
    """One row per (table, metric, region)."""
    stamp = board.generated_at.isoformat()
    rows = [
        [
            stamp,
            board.year,
            t.key,
            c.key,
            str(c.label),
            c.kind,
            r.code,
            r.name_zh,
            t.values[r.code][c.key],
        ]
        for t in board.tables
        for c in t.columns
        for r in board.regions
    ]
    return _csv(LONG_FIELDS, rows)


def table_csv(board: Dashboard, table: Table) -> bytes:
    """One table, one row per region, one column per metric (keys as the header)."""
    header = ["generated_at", "year", "region_code", "region_name_zh"]
    header += [c.key for c in table.columns]
    stamp = board.generated_at.isoformat()
    rows = [
        [stamp, board.year, r.code, r.name_zh]
        + [table.values[r.code][c.key] for c in table.columns]
        for r in board.regions
    ]
    return _csv(header, rows)
