"""TICCOOP_DIGEST_ALGORITHM: records made under SHA-256 and under SM3 all keep verifying.

Draw manifests (and the freeze snapshot), evidence files and the audit hash chain are made
under one setting, the setting is switched, and everything is checked again — both ways.
``openssl dgst -sm3`` gives the digest ticcoop records for a manifest file.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from ticcoop.audit.models import ChainLink
from ticcoop.audit.triggers import ROW_TRIGGER, set_triggers
from ticcoop.audit.verify import verify_chain
from ticcoop.methods import digests
from ticcoop.methods.manifest_verify import verify_manifest
from ticcoop.supervision import services
from ticcoop.supervision.models import Batch, Draw, EvidenceFile
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories
from ticcoop.testing.downloads import assert_downloads
from ticcoop.trust.queries import public_keyset

pytestmark = pytest.mark.django_db
OTHER = {"sha256": "sm3", "sm3": "sha256"}


@pytest.fixture
def regulators() -> dict[str, Any]:
    f.population()
    return {"11": factories.regulator("11"), "12": factories.regulator("12")}


def _manifest_problems(batch: Batch) -> list[str]:
    draw = Draw.objects.get(batch=batch)
    targets, inspectors = bytes(batch.targets_csv), bytes(batch.inspectors_csv)
    return verify_manifest(bytes(draw.manifest), targets, inspectors, public_keyset())


def _all_digests_use(batch: Batch, algorithm: str) -> None:
    draw = Draw.objects.get(batch=batch)
    manifest = bytes(draw.manifest)
    document = json.loads(manifest)
    snapshot = document["snapshot"]
    written = [
        batch.snapshot_sha256,
        draw.manifest_sha256,
        snapshot["sha256"],
        *(snapshot["document"][k] for k in ("targets_csv_sha256", "inspectors_csv_sha256")),
        snapshot["document"]["strata_sha256"],
    ]
    assert {digests.algorithm_of(value) for value in written} == {algorithm}
    assert snapshot["sha256"] == batch.snapshot_sha256
    assert digests.matches(draw.manifest_sha256, manifest)
    assert digests.matches(snapshot["document"]["targets_csv_sha256"], bytes(batch.targets_csv))
    if algorithm == "sm3":
        assert draw.manifest_sha256.startswith("sm3:")
    else:
        assert len(draw.manifest_sha256) == 64  # bare hex, as before SM3 existed


def _redrawn(batch: Batch, regulators: dict[str, Any]) -> Batch:
    """A redraw of ``batch`` (frozen, committed, revealed and drawn now)."""
    redraw = services.request_redraw(regulators["11"], batch, "名录数据有误")
    ceremony = services.freeze_snapshot(regulators["11"], redraw)
    f.committed(ceremony, regulators)
    for code, user in regulators.items():
        services.reveal_seed(user, ceremony, f.REVEALS[code])
    redraw.refresh_from_db()
    return redraw


@pytest.mark.parametrize("first", ["sha256", "sm3"])
def test_manifests_and_the_chain_verify_across_a_switch(
    first: str, regulators: dict[str, Any], settings: Any
) -> None:
    settings.TICCOOP_DIGEST_ALGORITHM = first
    start = ChainLink.objects.count()  # the fixture's records were chained under the default
    old = f.drawn_batch(regulators)
    _all_digests_use(old, first)
    assert _manifest_problems(old) == []
    assert verify_chain() == []
    made = ChainLink.objects.filter(seq__gt=start).values_list("hash", flat=True)
    assert {digests.algorithm_of(h) for h in made} == {first}

    settings.TICCOOP_DIGEST_ALGORITHM = OTHER[first]
    assert _manifest_problems(old) == []  # recomputed with the algorithm it names
    assert verify_chain() == []  # including the draw's binary manifest column
    new = _redrawn(old, regulators)
    _all_digests_use(new, OTHER[first])
    assert _manifest_problems(new) == []
    assert verify_chain() == []
    kinds = {digests.algorithm_of(h) for h in ChainLink.objects.values_list("hash", flat=True)}
    assert kinds == {"sha256", "sm3"}  # one chain, both kinds of link

    settings.TICCOOP_DIGEST_ALGORITHM = first  # and back
    assert _manifest_problems(old) == [] and _manifest_problems(new) == []
    assert verify_chain() == []


def _raw_update(sql: str, params: list[object]) -> None:
    """A change behind the platform's back (as in audit/tests/test_chain.py): on PostgreSQL
    the append-only row trigger is bypassed the way a table owner would."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        set_triggers(connection, ROW_TRIGGER, enabled=False)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    if connection.vendor == "postgresql":
        set_triggers(connection, ROW_TRIGGER, enabled=True)


def test_a_changed_sm3_link_or_record_is_still_found(
    regulators: dict[str, Any], settings: Any
) -> None:
    settings.TICCOOP_DIGEST_ALGORITHM = "sm3"
    batch = f.drawn_batch(regulators)
    draw = Draw.objects.get(batch=batch)
    link = ChainLink.objects.filter(table="supervision.draw").latest("seq")
    assert link.hash.startswith("sm3:") and '"manifest":"sm3:' in link.payload
    settings.TICCOOP_DIGEST_ALGORITHM = "sha256"
    changed = link.payload.replace('"manifest":"sm3:', '"manifest":"sm3:0', 1)
    _raw_update("UPDATE audit_chainlink SET payload = %s WHERE id = %s", [changed, link.pk])
    problems = verify_chain()
    assert [(p.seq, p.table) for p in problems][:1] == [(link.seq, "supervision.draw")]
    _raw_update("UPDATE audit_chainlink SET payload = %s WHERE id = %s", [link.payload, link.pk])
    assert verify_chain() == []
    table = Draw._meta.db_table
    tampered = bytes(draw.manifest) + b" "
    _raw_update(f"UPDATE {table} SET manifest = %s WHERE id = %s", [tampered, draw.pk])  # noqa: S608
    problems = verify_chain()
    assert [p.fields for p in problems] == [["manifest"]]


@pytest.mark.parametrize("first", ["sha256", "sm3"])
def test_evidence_files_verify_across_a_switch(
    first: str, regulators: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.TICCOOP_DIGEST_ALGORITHM = first
    batch = f.drawn_batch(regulators)
    task = batch.tasks.filter(region__code="11").first()
    assert task is not None
    client = Client()
    client.force_login(regulators["11"])
    contents = [b"\xff\xd8\xff\xe0 first photo", b"\xff\xd8\xff\xe0 second photo"]
    records: list[EvidenceFile] = []
    for algorithm, content in zip((first, OTHER[first]), contents, strict=True):
        settings.TICCOOP_DIGEST_ALGORITHM = algorithm
        stream = io.BytesIO(content)
        records.append(services.add_evidence(regulators["11"], task, "照片.jpg", stream))
        assert records[-1].digest_algorithm == algorithm
    for algorithm in (first, OTHER[first]):
        settings.TICCOOP_DIGEST_ALGORITHM = algorithm
        for record, content in zip(records, contents, strict=True):
            record.refresh_from_db()
            assert record.matches(content) and not record.matches(content + b"x")
            assert_downloads(client, f"/supervision/evidence/{record.pk}/", content)
    assert records[0].sha256 == digests.digest(first, contents[0])


OPENSSL = shutil.which("openssl")


def _openssl_has_sm3() -> bool:
    if OPENSSL is None:
        return False
    probe = subprocess.run([OPENSSL, "dgst", "-sm3"], input=b"", capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _openssl_has_sm3(), reason="openssl without SM3")
def test_openssl_dgst_sm3_gives_ticcoops_digest_of_a_manifest_file(
    regulators: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.TICCOOP_DIGEST_ALGORITHM = "sm3"
    batch = f.drawn_batch(regulators)
    draw = Draw.objects.get(batch=batch)
    files = {
        "manifest.json": (bytes(draw.manifest), draw.manifest_sha256),
        "targets.csv": (
            bytes(batch.targets_csv),
            json.loads(bytes(draw.manifest))["snapshot"]["document"]["targets_csv_sha256"],
        ),
    }
    for name, (data, recorded) in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        printed = subprocess.run(
            [str(OPENSSL), "dgst", "-sm3", "-r", str(path)],
            capture_output=True, text=True, check=True,
        ).stdout.split()[0]  # fmt: skip
        assert recorded == f"sm3:{printed}"
    # the snapshot hash, by the command of docs/methods/manifest.md §8
    script = (
        'import json,sys; d=json.load(open("manifest.json",encoding="utf-8"))["snapshot"]\n'
        "sys.stdout.buffer.write(json.dumps(d['document'],sort_keys=True,ensure_ascii=False,\n"
        'separators=(",",":")).encode())'
    )
    text = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, check=True
    ).stdout
    printed = subprocess.run(
        [str(OPENSSL), "dgst", "-sm3", "-r"], input=text, capture_output=True, check=True
    ).stdout.split()[0]
    assert batch.snapshot_sha256 == "sm3:" + printed.decode()
