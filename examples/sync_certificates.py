"""Mirror ticcoop's certificates into a local SQLite file and keep it current.

    python sync_certificates.py https://ticcoop.example.cn "$TOKEN" mirror.sqlite3 [--follow]

First run: note the change feed's head, export every certificate page by page, then apply the
feed from the noted head (a change made during the export is applied again: harmless, each
change carries the whole new state). Later runs only read the feed from the stored cursor.
Each page of changes and the new cursor are committed in one SQLite transaction, so a crash
never loses or repeats a change. Standard library only.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

FIELDS = ("credit_code", "institution_name", "status", "version", "issue_date", "expiry_date")
SCHEMA = """
CREATE TABLE IF NOT EXISTS certificate (
    number TEXT PRIMARY KEY, credit_code TEXT, institution_name TEXT, status TEXT,
    version INTEGER, issue_date TEXT, expiry_date TEXT);
CREATE TABLE IF NOT EXISTS sync_state (kind TEXT PRIMARY KEY, cursor INTEGER NOT NULL);
"""


def get(base: str, token: str, path: str, **params: Any) -> Any:
    url = f"{base.rstrip('/')}{path}?{urllib.parse.urlencode(params)}"
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) address: {base}")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    while True:
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return json.load(response)
        except urllib.error.HTTPError as exc:
            if exc.code != 429:  # rate limited: wait as told, then ask again
                raise
            time.sleep(int(exc.headers.get("Retry-After", "1")))


def upsert(db: sqlite3.Connection, number: str, row: dict[str, Any]) -> None:
    values = [row.get(field) for field in FIELDS]
    db.execute(
        "INSERT OR REPLACE INTO certificate (number, credit_code, institution_name, status,"
        " version, issue_date, expiry_date) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [number, *values],
    )


def full_export(db: sqlite3.Connection, base: str, token: str) -> int:
    head = int(get(base, token, "/api/changes/certificates/head")["cursor"])
    page = 1
    with db:
        while True:
            data = get(base, token, "/api/certificates", page=page)
            for item in data["items"]:
                upsert(db, item["number"], item)
            if not data["has_next"]:
                break
            page += 1
        db.execute("INSERT OR REPLACE INTO sync_state VALUES ('certificates', ?)", [head])
    return head


def follow_feed(db: sqlite3.Connection, base: str, token: str, cursor: int) -> int:
    while True:
        page = get(base, token, "/api/changes/certificates", since=cursor, limit=500)
        with db:  # the changes and the cursor together, or neither
            for change in page["changes"]:
                if change["tombstone"]:
                    db.execute("DELETE FROM certificate WHERE number = ?", [change["key"]])
                else:
                    upsert(db, change["key"], change["payload"])
            cursor = int(page["cursor"])
            db.execute("UPDATE sync_state SET cursor = ? WHERE kind = 'certificates'", [cursor])
        if not page["more"]:
            return cursor


def sync(base: str, token: str, path: str) -> int:
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        row = db.execute("SELECT cursor FROM sync_state WHERE kind = 'certificates'").fetchone()
        cursor = full_export(db, base, token) if row is None else int(row[0])
        return follow_feed(db, base, token, cursor)
    finally:
        db.close()


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    base, token, path = argv[:3]
    while True:
        cursor = sync(base, token, path)
        if "--follow" not in argv:
            print(f"in sync at cursor {cursor}")
            return 0
        time.sleep(30)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
