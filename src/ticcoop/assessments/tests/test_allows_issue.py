"""The rule the certificates app relies on: may this assessment back an initial issue?"""

from __future__ import annotations

import pytest

from ticcoop.assessments.models import (
    AssessmentKind,
    AssessmentStatus,
    Conclusion,
    NonconformityStatus,
    Severity,
)
from ticcoop.assessments.queries import assessment_allows_issue
from ticcoop.assessments.tests import factories as af
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def test_passed_initial_assessment_allows_issue() -> None:
    assert assessment_allows_issue(af.passed_assessment(factories.institution("11"))) is None
    basic = af.passed_assessment(factories.institution("11"), conclusion=Conclusion.BASIC)
    assert assessment_allows_issue(basic) is None


def test_open_minor_nonconformity_does_not_block() -> None:
    made = af.passed_assessment(factories.institution("12"), conclusion=Conclusion.BASIC)
    af.nonconformity(made, Severity.MINOR)
    assert assessment_allows_issue(made) is None


def test_open_major_nonconformity_blocks_and_is_named() -> None:
    made = af.passed_assessment(factories.institution("12"), conclusion=Conclusion.BASIC)
    nc = af.nonconformity(made, Severity.MAJOR)
    reason = assessment_allows_issue(made)
    assert reason is not None and "严重不符合项" in reason and nc.clause.number in reason
    nc.status = NonconformityStatus.CLOSED
    nc.save()
    assert assessment_allows_issue(made) is None


def test_failed_unfinished_and_other_kinds_are_refused() -> None:
    institution = factories.institution("13")
    failed = af.passed_assessment(institution, conclusion=Conclusion.NONCONFORM)
    assert "未通过" in (assessment_allows_issue(failed) or "")
    planned = af.assessment(institution)
    assert "尚未结束" in (assessment_allows_issue(planned) or "")
    assert planned.status == AssessmentStatus.PLANNED
    renewal = af.passed_assessment(institution, kind=AssessmentKind.RENEWAL)
    assert "不是首次评审" in (assessment_allows_issue(renewal) or "")
