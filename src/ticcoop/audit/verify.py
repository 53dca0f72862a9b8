"""Recomputing the audit hash chain and comparing every chained record with its last link.

Two passes.  (1) Every link in sequence order: the sequence has no gap, each link names the
previous link's hash, and its own hash recomputes from its content — so no link was
changed, removed or inserted.  (2) Every chained record: its current content equals the
payload of its latest link — so no record was changed, deleted or added behind the
platform's back (a raw SQL UPDATE is found here, with the changed columns named).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from ticcoop.audit.chain import chained_models, stored_rows
from ticcoop.audit.models import ChainLink
from ticcoop.digesting import current_algorithm
from ticcoop.methods.chain import GENESIS, changed_fields, link_algorithm, link_hash
from ticcoop.methods.digests import DigestFormatError

Advance = Callable[[int], None]


@dataclass(frozen=True)
class Problem:
    table: str
    key: str
    message: str
    seq: int | None = None
    fields: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        where = f"第 {self.seq} 环" if self.seq is not None else "无链环"
        columns = f"；改动的列：{', '.join(self.fields)}" if self.fields else ""
        return f"{where}，表 {self.table}，记录 {self.key}：{self.message}{columns}"


def total_work() -> int:
    """Links plus chained records: the length of the progress bar."""
    return ChainLink.objects.count() + sum(m._base_manager.count() for m in chained_models())


#: per table, per record key: (seq, SHA-256 of the latest link's payload, the link's algorithm)
Latest = dict[str, dict[str, tuple[int, bytes, str]]]


def verify_chain(advance: Advance = lambda n: None) -> list[Problem]:
    """Every problem found, the first broken link first; empty when the chain holds.

    Each link is recomputed with the algorithm its own hash names (SHA-256 or SM3), so a
    chain that crossed a ``TICCOOP_DIGEST_ALGORITHM`` switch verifies end to end.
    """
    latest: Latest = defaultdict(dict)
    problems = _check_links(latest, advance)
    for model in chained_models():
        problems.extend(_check_records(model, latest.pop(model._meta.label_lower, {}), advance))
    for table, records in latest.items():  # links of a table that is no longer chained
        for key, (seq, _digest, _algorithm) in records.items():
            problems.append(Problem(table, key, "链环指向未纳入审计链的数据表", seq))
    return sorted(problems, key=lambda p: (p.seq is None, p.seq or 0))


def _recomputed(seq: int, prev: str, table: str, key: str, payload: str, stored: str) -> str:
    """The link's hash recomputed with the algorithm its stored hash names ("" if none)."""
    try:
        algorithm = link_algorithm(stored)
    except DigestFormatError:
        return ""
    return link_hash(seq, prev, table, key, payload, algorithm)


def _check_links(latest: Latest, advance: Advance) -> list[Problem]:
    problems: list[Problem] = []
    expected_seq, prev = 1, GENESIS
    links = ChainLink.objects.order_by("seq").values_list(
        "seq", "table", "record_pk", "payload", "prev_hash", "hash"
    )
    done = 0
    for seq, table, key, payload, prev_hash, digest in links.iterator(chunk_size=2000):
        if seq != expected_seq:
            message = f"序号不连续：应为 {expected_seq}（链环被删除或插入）"
            problems.append(Problem(table, key, message, seq))
        elif prev_hash != prev:
            problems.append(Problem(table, key, "前一环哈希不符（链环被删除、插入或改动）", seq))
        elif _recomputed(seq, prev_hash, table, key, payload, digest) != digest:
            problems.append(Problem(table, key, "本环哈希与内容不符（链环被改动）", seq))
        algorithm = _algorithm_or_default(digest)
        latest[table][key] = (seq, hashlib.sha256(payload.encode("utf-8")).digest(), algorithm)
        expected_seq, prev = seq + 1, digest
        done += 1
        if done % 2000 == 0:
            advance(2000)
    advance(done % 2000)
    return problems


def _algorithm_or_default(digest: str) -> str:
    try:
        return link_algorithm(digest)
    except DigestFormatError:  # reported by the link check; compare the record as SHA-256
        return "sha256"


def _payload_hash(payload: str) -> bytes:
    return hashlib.sha256(payload.encode("utf-8")).digest()


def _check_records(
    model: type[models.Model], latest: dict[str, tuple[int, bytes, str]], advance: Advance
) -> list[Problem]:
    problems: list[Problem] = []
    table = model._meta.label_lower
    algorithm = current_algorithm()
    done = 0
    for key, payload in stored_rows(model, algorithm=algorithm):
        link = latest.pop(key, None)
        if link is not None and link[2] != algorithm and _payload_hash(payload) != link[1]:
            # binary columns are digested with the link's algorithm: recompute with it
            rows = stored_rows(model, model._base_manager.filter(pk=key), link[2])
            payload = next(rows, (key, payload))[1]
        if link is None:
            message = "记录没有链环（绕过平台写入；升级后请先运行一次 ticcoop audit seal）"
            problems.append(Problem(table, key, message))
        elif _payload_hash(payload) != link[1]:
            stored = ChainLink.objects.get(seq=link[0]).payload
            message = f"记录内容与最后一环不符（数据库表 {model._meta.db_table} 被改动）"
            problems.append(Problem(table, key, message, link[0], changed_fields(stored, payload)))
        done += 1
        if done % 2000 == 0:
            advance(2000)
    advance(done % 2000)
    for key, (seq, _digest, _algorithm) in latest.items():
        stored = ChainLink.objects.get(seq=seq).payload
        if stored != "null":
            message = f"记录已不存在（数据库表 {model._meta.db_table} 中被删除）"
            problems.append(Problem(table, key, message, seq))
    return problems
