"""Every lifecycle rule of certificates; each test fails if its rule is removed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ticcoop.accounts.roles import Role
from ticcoop.assessments.models import AssessmentKind, AssessmentStatus, Conclusion
from ticcoop.certificates import services
from ticcoop.certificates.models import (
    Certificate,
    CertificateVersion,
    ImmutableRecord,
)
from ticcoop.certificates.scope import ScopeRow, digest_of
from ticcoop.certificates.tests import factories as cf
from ticcoop.certificates.validity import add_years
from ticcoop.methods.ids import format_certificate_number
from ticcoop.notices.catalogue import render
from ticcoop.registry.models import InstitutionMembership, InstitutionStatus
from ticcoop.testing import factories
from ticcoop.trust.queries import verify_token

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def issue(region: str = "13", **overrides: object) -> Certificate:
    holder = overrides.pop("institution", None) or factories.institution(region)
    day = overrides.pop("issue_date", TODAY())
    arguments = {
        "number": cf.number(region, day.year),  # type: ignore[attr-defined]
        "issue_date": day,
        "scope": cf.SCOPE,
        "assessment": cf.assessment(holder),  # type: ignore[arg-type]
    }
    arguments.update(overrides)
    actor = arguments.pop("actor", None) or factories.regulator(region)
    return services.issue_certificate(actor, holder, **arguments)  # type: ignore[arg-type]


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- initial issue ------------------------------------------------------------------------------


def test_issue_computes_expiry_and_records_version_one() -> None:
    certificate = issue(issue_date=date(TODAY().year, 1, 10))
    assert certificate.expiry_date == date(TODAY().year + 6, 1, 9)
    assert certificate.version == 1
    version = certificate.versions.get()
    assert version.action == "issue" and version.status == "valid"
    assert version.scope_digest == digest_of(cf.SCOPE)
    assert len(version.scope) == 3


def test_issue_needs_an_assessment() -> None:
    with pytest.raises(ValidationError, match="评审"):
        issue(assessment=None)


def test_issue_refuses_an_assessment_of_another_institution() -> None:
    other = cf.assessment(factories.institution("13"))
    with pytest.raises(ValidationError, match="不是该机构"):
        issue(assessment=other)


@pytest.mark.parametrize(
    ("kind", "status", "conclusion"),
    [
        (AssessmentKind.INITIAL, AssessmentStatus.CONCLUDED, Conclusion.NONCONFORM),
        (AssessmentKind.INITIAL, AssessmentStatus.IN_PROGRESS, ""),
        (AssessmentKind.SUPERVISION, AssessmentStatus.CONCLUDED, Conclusion.CONFORM),
    ],
)
def test_issue_refuses_an_assessment_that_did_not_pass(
    kind: str, status: str, conclusion: str
) -> None:
    holder = factories.institution("13")
    failed = cf.assessment(holder, kind=kind, status=status, conclusion=conclusion)
    with pytest.raises(ValidationError):
        issue(institution=holder, assessment=failed)
    assert not Certificate.objects.exists()


def test_issue_refuses_while_a_major_nonconformity_is_open() -> None:
    holder = factories.institution("13")
    passed = cf.assessment(holder)
    nc = cf.major_nonconformity(passed)
    with pytest.raises(ValidationError, match="严重不符合项"):
        issue(institution=holder, assessment=passed)
    nc.status = "closed"
    nc.save()
    assert issue(institution=holder, assessment=passed).status == "valid"


def test_number_authority_code_must_match_the_issuing_region() -> None:
    tianjin_number = format_certificate_number(TODAY().year, "02", "17", "00", 77)
    with pytest.raises(ValidationError, match="发证机关代码，应为03"):
        issue("13", number=tianjin_number)


def test_number_year_must_match_the_issue_date() -> None:
    with pytest.raises(ValidationError, match="发证年份"):
        issue("13", number=cf.number("13", TODAY().year - 1))


def test_malformed_number_is_refused() -> None:
    with pytest.raises(ValidationError, match="证书编号无效"):
        issue("13", number="2403170000")


def test_issue_date_cannot_be_in_the_future() -> None:
    tomorrow = TODAY() + timedelta(days=1)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        issue(issue_date=tomorrow, number=cf.number("13", tomorrow.year))


def test_one_live_certificate_per_institution() -> None:
    first = issue("13")
    with pytest.raises(ValidationError, match="不得重复发证"):
        issue("13", institution=first.institution)


def test_an_assessment_is_the_basis_of_one_initial_issue_only() -> None:
    old_day = TODAY() - timedelta(days=6 * 366 + 10)  # that certificate has expired since
    first = issue("13", issue_date=old_day)
    assert first.effective_status() == "expired"
    with pytest.raises(ValidationError, match=f"已是证书{first.number}的发证依据"):
        issue("13", institution=first.institution, assessment=first.assessment)
    assert issue("13", institution=first.institution).assessment != first.assessment


def test_a_closed_institution_gets_no_certificate() -> None:
    holder = factories.institution("13", status=InstitutionStatus.CLOSED)
    with pytest.raises(ValidationError, match="不能发证"):
        issue(institution=holder)


def test_scope_must_not_be_empty_nor_have_blank_required_fields() -> None:
    with pytest.raises(ValidationError, match="至少需要一行"):
        issue(scope=[])
    with pytest.raises(ValidationError, match="项目/参数"):
        issue(scope=[ScopeRow("食品", "水", "", "GB 1")])


def test_only_the_issuing_regions_regulators_issue() -> None:
    with pytest.raises(PermissionDenied):
        issue("13", actor=factories.regulator("11"))
    with pytest.raises(PermissionDenied):
        issue("13", actor=factories.user(None))
    assert not Certificate.objects.exists()


def test_national_certificates_only_by_superusers() -> None:
    number = format_certificate_number(TODAY().year, "00", "17", "00", 5)
    with pytest.raises(PermissionDenied):
        issue("13", number=number, national=True)
    root = User.objects.create_superuser("root", "r@example.invalid", "x")
    certificate = issue("13", number=number, national=True, actor=root)
    assert certificate.issuer_code == "00"
    assert verify_token(certificate.versions.get().token).issuer == "00"


# --- status changes -----------------------------------------------------------------------------


def test_suspend_then_restore_append_versions() -> None:
    certificate = issue("12")
    regulator = factories.regulator("12")
    services.suspend_certificate(regulator, certificate, "监督检查发现问题")
    certificate.refresh_from_db()
    assert certificate.status == "suspended" and certificate.status_reason == "监督检查发现问题"
    services.restore_certificate(regulator, certificate, "整改完成")
    certificate.refresh_from_db()
    assert certificate.status == "valid" and certificate.version == 3
    actions = list(certificate.versions.order_by("number").values_list("action", "status"))
    assert actions == [
        ("issue", "valid"),
        ("suspension", "suspended"),
        ("restoration", "valid"),
    ]


def test_status_changes_need_a_reason() -> None:
    certificate = issue("12")
    with pytest.raises(ValidationError, match="暂停必须填写原因"):
        services.suspend_certificate(factories.regulator("12"), certificate, "  ")
    assert Certificate.objects.get().status == "valid"


def test_suspend_twice_and_restore_a_valid_certificate_are_refused() -> None:
    certificate = issue("12")
    regulator = factories.regulator("12")
    with pytest.raises(ValidationError, match=r"当前为“有效”.*不能恢复"):
        services.restore_certificate(regulator, certificate, "x")
    services.suspend_certificate(regulator, certificate, "x")
    with pytest.raises(ValidationError, match="当前为“暂停”"):
        services.suspend_certificate(regulator, certificate, "y")


@pytest.mark.parametrize("final", ["revoke", "cancel"])
def test_no_change_after_revocation_or_cancellation(final: str) -> None:
    certificate = issue("14")
    regulator = factories.regulator("14")
    services.LIFECYCLE_ACTIONS[final](regulator, certificate, "违法违规")
    certificate.refresh_from_db()
    for action in ("suspend", "restore", "revoke", "cancel"):
        with pytest.raises(ValidationError, match="不能"):
            services.LIFECYCLE_ACTIONS[action](regulator, certificate, "再次")
    with pytest.raises(ValidationError, match="不能变更能力范围"):
        services.change_scope(regulator, certificate, cf.SCOPE[:1], "缩项")
    with pytest.raises(ValidationError, match="不能延续"):
        services.extend_certificate(regulator, certificate)
    assert certificate.versions.count() == 2


def test_expired_is_computed_and_blocks_changes_except_cancellation() -> None:
    day = add_years(TODAY(), -7)
    certificate = issue("15", issue_date=day)
    assert certificate.status == "valid"
    assert certificate.effective_status() == "expired"
    assert Certificate.objects.in_status("expired").get() == certificate
    assert not Certificate.objects.in_status("valid").exists()
    regulator = factories.regulator("15")
    with pytest.raises(ValidationError, match="过期"):
        services.suspend_certificate(regulator, certificate, "x")
    with pytest.raises(ValidationError, match="过期"):
        services.extend_certificate(regulator, certificate)
    services.cancel_certificate(regulator, certificate, "有效期届满未延续")
    certificate.refresh_from_db()
    assert certificate.status == "cancelled"
    # an expired certificate no longer blocks a new initial issue
    assert issue("15", institution=certificate.institution).status == "valid"


def test_other_regions_cannot_change_a_certificate() -> None:
    certificate = issue("11")
    intruder = factories.regulator("13")
    for action in services.LIFECYCLE_ACTIONS.values():
        with pytest.raises(PermissionDenied):
            action(intruder, certificate, "x")
    with pytest.raises(PermissionDenied):
        services.change_scope(intruder, certificate, cf.SCOPE[:1], "x")
    with pytest.raises(PermissionDenied):
        services.extend_certificate(intruder, certificate)
    assert Certificate.objects.get().version == 1


# --- scope and extension ------------------------------------------------------------------------


def test_change_scope_keeps_the_old_version_readable() -> None:
    certificate = issue("13")
    regulator = factories.regulator("13")
    new_scope = [*cf.SCOPE, ScopeRow("环境", "土壤", "pH", "HJ 962-2018")]
    services.change_scope(regulator, certificate, new_scope, "扩项评审通过")
    v1, v2 = certificate.versions.order_by("number")
    assert len(v1.scope) == 3 and len(v2.scope) == 4
    assert v2.action == "scope_change" and v2.reason == "扩项评审通过"
    assert certificate.scope.count() == 4
    assert verify_token(v2.token).fields["scope"] == digest_of(new_scope)
    assert verify_token(v1.token).fields["scope"] == digest_of(cf.SCOPE)


def test_unchanged_scope_or_suspended_certificate_refused() -> None:
    certificate = issue("13")
    regulator = factories.regulator("13")
    with pytest.raises(ValidationError, match="没有变化"):
        services.change_scope(regulator, certificate, list(reversed(cf.SCOPE)), "重排")
    services.suspend_certificate(regulator, certificate, "暂停")
    with pytest.raises(ValidationError, match="暂停"):
        services.change_scope(regulator, certificate, cf.SCOPE[:1], "缩项")


def test_extension_gives_six_years_from_the_old_expiry() -> None:
    certificate = issue("11", issue_date=add_years(TODAY(), -5))
    old_expiry = certificate.expiry_date
    services.extend_certificate(factories.regulator("11"), certificate, reason="延续评审通过")
    certificate.refresh_from_db()
    assert certificate.valid_from == old_expiry + timedelta(days=1)
    assert certificate.expiry_date == add_years(old_expiry, 6)
    assert certificate.issue_date == add_years(TODAY(), -5)
    assert certificate.versions.get(number=2).expiry_date == certificate.expiry_date


def test_extension_must_be_applied_for_three_months_before_expiry() -> None:
    # expires in about two months: today's application is too late
    start = add_years(TODAY(), -6) + timedelta(days=60)
    certificate = issue("11", issue_date=start)
    regulator = factories.regulator("11")
    with pytest.raises(ValidationError, match="3个月前"):
        services.extend_certificate(regulator, certificate)
    on_time = certificate.expiry_date - timedelta(days=100)
    services.extend_certificate(regulator, certificate, application_date=on_time)
    certificate.refresh_from_db()
    assert certificate.version == 2
    # the same application cannot extend twice
    with pytest.raises(ValidationError, match="已延续过"):
        services.extend_certificate(regulator, certificate, application_date=on_time)


# --- versions -----------------------------------------------------------------------------------


def test_versions_cannot_be_changed_or_deleted() -> None:
    version = issue("13").versions.get()
    version.reason = "篡改"
    with pytest.raises(ImmutableRecord):
        version.save()
    with pytest.raises(ImmutableRecord):
        version.delete()
    assert CertificateVersion.objects.get().reason == ""


def test_each_version_token_carries_its_version_and_status() -> None:
    certificate = issue("12")
    services.suspend_certificate(factories.regulator("12"), certificate, "暂停")
    tokens = {v.number: verify_token(v.token).fields for v in certificate.versions.all()}
    assert tokens[1]["v"] == 1 and tokens[1]["status"] == "valid"
    assert tokens[2]["v"] == 2 and tokens[2]["status"] == "suspended"
    assert tokens[1]["no"] == certificate.number
    assert tokens[1]["ucc"] == certificate.institution.credit_code


def test_a_status_change_is_told_to_the_institutions_users() -> None:
    """Issue 12: decisions that concern you reach your inbox."""
    certificate = cf.certificate("12")
    lab = factories.user(Role.INSTITUTION_USER, "12")
    InstitutionMembership.objects.create(user=lab, institution=certificate.institution)
    services.suspend_certificate(factories.regulator("12"), certificate, "监督抽查不合格")
    notice = lab.notices.get()
    assert render(notice.key, notice.params) == f"证书 {certificate.number}：状态已变更"
    assert (
        render(notice.key, notice.params, "en")
        == f"Certificate {certificate.number}: Status changed"
    )
