"""Issue 11: input that used to end in a 500 is a 4xx naming what was wrong; the OpenAPI
document is exact (unique schema names); evidence sent through the API is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ticcoop.accounts.roles import Role
from ticcoop.assessments.models import EvidenceFile, Severity
from ticcoop.assessments.tests import factories as af
from ticcoop.certificates.tests import factories as cf
from ticcoop.registry.models import Institution, InstitutionMembership
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db
HUGE_PAGE = "4611686018427387904"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def as_user(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def put(client: Client, url: str, body: Any, method: str = "put") -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("url", "logged_in"),
    [
        ("/api/inspections/campaigns", False),
        ("/api/inspections/cases", False),
        ("/api/assessments/nonconformities", True),
        ("/api/inspections/joint", True),
        ("/api/inspections/findings", True),
        ("/api/assessments", True),
        ("/api/institutions", False),
        ("/api/certificates", False),
    ],
)
def test_a_huge_page_number_is_refused(url: str, logged_in: bool) -> None:
    client = as_user(factories.regulator("13") if logged_in else None)
    response = client.get(f"{url}?page={HUGE_PAGE}")
    assert response.status_code == 422, response.content
    assert "page" in response.content.decode()


def test_institution_search_page_with_a_huge_page_number() -> None:
    assert Client().get(f"/institutions/?q=测试&page={HUGE_PAGE}").status_code == 200
    assert Client().get("/institutions/?page=²").status_code == 200


def test_ids_beyond_64_bit_are_422_naming_the_field() -> None:
    regulator = factories.regulator("13")
    assessment = af.assessment(factories.institution("13"))
    client = as_user(regulator)
    response = put(client, f"/api/assessments/{assessment.pk}/team", {"team": [2**63]})
    assert response.status_code == 422 and "team" in response.content.decode()
    body = {
        "institution_credit_code": assessment.institution.credit_code,
        "kind": "initial",
        "catalogue_id": assessment.catalogue_id,
        "planned_date": "2025-10-01",
        "onsite_start": "2025-10-01",
        "onsite_end": "2025-10-02",
        "team": [],
        "leader": 2**70,
    }
    response = put(client, "/api/assessments", body, "post")
    assert response.status_code == 422 and "leader" in response.content.decode()


def test_a_region_that_does_not_exist_is_422_naming_the_field() -> None:
    client = as_user(factories.regulator("11"))
    body = {
        "code": "S-X1",
        "name": "测试",
        "organising_region": "99",
        "provider_name": "p",
        "field": "食品",
        "measurands": [],
    }
    response = put(client, "/api/pt/schemes", body, "post")
    assert response.status_code == 422, response.content
    assert "organising_region" in response.json()["errors"]


def test_a_nul_byte_is_refused_with_a_clear_error() -> None:
    institution = factories.institution("13")
    client = as_user(factories.regulator("13"))
    url = f"/api/institutions/{institution.credit_code}"
    response = put(client, url, {"name": "坏\x00名"}, "patch")
    assert response.status_code == 422 and "NUL" in response.content.decode()
    institution.refresh_from_db()
    assert "\x00" not in institution.name


def test_deleting_an_institution_with_certificates_is_409_naming_them() -> None:
    certificate = cf.certificate("13")
    institution = certificate.institution
    regulator = factories.regulator("13")
    client = as_user(regulator)
    response = client.delete(f"/api/institutions/{institution.credit_code}")
    assert response.status_code == 409, response.content
    assert response.json()["referred_by"]
    page = client.post(f"/institutions/{institution.credit_code}/delete/")
    assert page.status_code == 409
    assert "不能删除" in page.content.decode()
    assert Institution.objects.filter(pk=institution.pk).exists()


def test_openapi_component_names_are_unique() -> None:
    from ticcoop.config.api import api

    # ninja keeps the last of two schemas of one name; the document then lies about the
    # other.  Collect every model the operations use and compare names with identities.
    document = Client().get("/api/openapi.json").json()
    seen: dict[str, str] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for schema in _models(operation):
                    qualified = f"{schema.__module__}.{schema.__qualname__}"
                    assert seen.setdefault(schema.__name__, qualified) == qualified, (
                        f"{schema.__name__}: {seen[schema.__name__]} and {qualified}"
                    )
    ranking = document["components"]["schemas"]["RankingOut"]
    assert "CompetitionResultOut" in json.dumps(ranking)


def _models(operation: Any) -> list[type]:
    from pydantic import BaseModel

    found: list[type] = []

    def walk(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found:
                found.append(annotation)
                for field in annotation.model_fields.values():
                    walk(field.annotation)
            return
        for arg in getattr(annotation, "__args__", ()):
            walk(arg)

    for model in operation.response_models.values():
        walk(model)
    for model in operation.models:
        walk(model)
    return found


def test_rectification_files_through_the_api_are_stored() -> None:
    institution = factories.institution("14")
    nc = af.nonconformity(af.passed_assessment(institution), Severity.MINOR)
    user = factories.user(Role.INSTITUTION_USER, "14")
    InstitutionMembership.objects.create(user=user, institution=institution)
    client = as_user(user)
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/api/assessments/nonconformities/{nc.pk}/rectifications",
        {"evidence": "已整改", "files": [upload]},
    )
    assert response.status_code == 201, response.content
    assert [f["name"] for f in response.json()["files"]] == ["report.pdf"]
    assert EvidenceFile.objects.filter(rectification__nonconformity=nc).count() == 1


def test_the_breakdown_matches_its_documented_schema() -> None:
    import jsonschema_rs

    from ticcoop.competitions.tests import factories as cf

    document = Client().get("/api/openapi.json").json()
    path = document["paths"]["/api/competitions/contestants/{contestant_id}/breakdown"]
    reference = path["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for({**reference, "components": document["components"]})
    running = cf.Running()
    running.confirmed()
    person = running.contestants["12"]
    for user in (cf.institution_user(person.institution), running.organiser):
        body = as_user(user).get(f"/api/competitions/contestants/{person.pk}/breakdown").json()
        errors = [error.message for error in validator.iter_errors(body)]
        assert not errors and body["result"]["total"]
