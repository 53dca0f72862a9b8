"""A registry import leaves one audit entry per created or changed row (issue 11)."""

from __future__ import annotations

import hashlib

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from ticcoop.audit.models import ChainLink
from ticcoop.audit.verify import verify_chain
from ticcoop.certificates.importing import import_registry
from ticcoop.certificates.models import Certificate, CertificateVersion
from ticcoop.certificates.tables import write_csv
from ticcoop.certificates.tests.test_import import institution_row, workbook
from ticcoop.registry.models import Institution

pytestmark = pytest.mark.django_db


def _entries(model: type, action: int | None = None) -> list[LogEntry]:
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    if action is not None:
        entries = entries.filter(action=action)
    return list(entries.order_by("pk"))


def test_every_imported_row_has_its_own_audit_entry_and_the_chain_holds() -> None:
    root = User.objects.create_superuser("root", "r@example.invalid", "x")
    data, codes, numbers = workbook(count=3)
    assert import_registry(root, "registry.xlsx", data, dry_run=False).ok
    institutions = _entries(Institution, LogEntry.Action.CREATE)
    assert sorted(e.object_pk for e in institutions) == sorted(
        str(pk)
        for pk in Institution.objects.filter(credit_code__in=codes).values_list("pk", flat=True)
    )
    assert institutions[0].actor == root
    assert institutions[0].additional_data["file_sha256"] == hashlib.sha256(data).hexdigest()
    assert institutions[0].changes["credit_code"][1] in codes
    certificates = _entries(Certificate, LogEntry.Action.CREATE)
    assert {e.object_repr for e in certificates} == set(numbers)
    assert "scope_digest" in certificates[0].changes
    assert certificates[0].changes["version"] == ["None", "1"]
    # a version is its own chained record (who, when, why, the signed state), not logged
    assert _entries(CertificateVersion) == []
    versions = CertificateVersion.objects.filter(certificate__number__in=numbers)
    linked = ChainLink.objects.filter(table="certificates.certificateversion")
    assert set(linked.values_list("record_pk", flat=True)) >= {str(v.pk) for v in versions}
    assert versions.count() == 3
    assert verify_chain() == []

    # one institution changed: exactly one new entry, naming the changed field only
    rows = [institution_row(c, "13", f"导入机构{i}") for i, c in enumerate(codes)]
    rows[1][4] = "王五"  # the legal representative
    before = LogEntry.objects.count()
    report = import_registry(root, "i.csv", write_csv("institutions", rows), dry_run=False)
    assert report.counts["机构更新"] == 1
    update = _entries(Institution, LogEntry.Action.UPDATE)
    assert len(update) == 1 and update[0].changes == {"legal_representative": ["张三", "王五"]}
    assert LogEntry.objects.count() == before + 2  # the entry and the ImportBatch's own
    assert verify_chain() == []
