"""The expert pool shows employers and declared ties only to regulators and observers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ticcoop.accounts.roles import Role
from ticcoop.assessments.tests import factories as af
from ticcoop.registry.models import ExpertTie
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db
EMPLOYER = "天津雇主检测有限公司"
TIED = "天津关联检测有限公司"


@pytest.fixture
def chemist() -> object:
    employer = factories.institution("12", name=EMPLOYER)
    expert = af.assessor("15", name="包化学", specialties="化学分析", employer_name=EMPLOYER)
    expert.employer = employer
    expert.save()
    tied = factories.institution("12", name=TIED)
    ExpertTie.objects.create(expert=expert, institution=tied, reason="原工作单位")
    return expert


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def lab_user() -> User:
    return factories.user(Role.INSTITUTION_USER, "12")


@pytest.mark.parametrize("who", ["lab", "inspector"])
def test_lab_users_see_names_and_qualifications_only(chemist: object, who: str) -> None:
    user = lab_user() if who == "lab" else factories.user(Role.INSPECTOR, "12")
    client = _client(user)
    item = client.get("/api/assessments/experts").json()["items"][0]
    assert item["name"] == "包化学" and item["specialties"] == "化学分析"
    assert item["is_assessor"] is True
    assert item["employer_name"] is None and item["ties"] is None
    page = client.get("/assessments/experts/").content.decode()
    assert "包化学" in page and EMPLOYER not in page and TIED not in page
    # nor can a search by employer tell where someone works
    assert client.get("/api/assessments/experts", {"q": "雇主"}).json()["count"] == 0
    assert not list(client.get("/assessments/experts/", {"q": "雇主"}).context["page"])


@pytest.mark.parametrize("role", [Role.REGULATOR, Role.NATIONAL_OBSERVER])
def test_regulators_and_observers_see_employers_and_ties(chemist: object, role: Role) -> None:
    client = _client(factories.user(role, "11" if role == Role.REGULATOR else None))
    item = client.get("/api/assessments/experts", {"q": "雇主"}).json()["items"][0]
    assert item["employer_name"] == EMPLOYER
    assert item["ties"] == [{"institution": TIED, "reason": "原工作单位"}]
    page = client.get("/assessments/experts/").content.decode()
    assert EMPLOYER in page and f"{TIED}（原工作单位）" in page


def test_the_inspector_directory_hides_employers_from_inspectors() -> None:
    af.assessor("12", name="津检查", employer_name=EMPLOYER, is_inspector=True)
    inspector = factories.user(Role.INSPECTOR, "12")
    af.assessor("12", name="检查员本人", user=inspector, is_inspector=True)
    page = _client(inspector).get("/supervision/inspectors/")
    assert page.status_code == 200
    assert "津检查" in page.content.decode() and EMPLOYER not in page.content.decode()
    regulator_page = _client(factories.regulator("12")).get("/supervision/inspectors/")
    assert EMPLOYER in regulator_page.content.decode()
