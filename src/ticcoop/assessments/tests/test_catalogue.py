"""The criteria catalogue is versioned: published versions never change."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from ticcoop.assessments import services
from ticcoop.assessments.models import CatalogueStatus, CriteriaClause, CriteriaElement
from ticcoop.assessments.tests import factories as af
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> User:
    return User.objects.create_superuser("root", password=factories.PASSWORD)


def test_draft_copies_the_version_and_publishing_supersedes_it(root: User) -> None:
    v1 = af.catalogue(code="SAMR-2023", version=1, clauses=4)
    draft = services.create_catalogue_draft_from(root, v1)
    assert (draft.version, draft.status, draft.based_on) == (2, CatalogueStatus.DRAFT, v1)
    copied = CriteriaClause.objects.filter(element__catalogue=draft)
    assert sorted(copied.values_list("number", flat=True)) == sorted(
        CriteriaClause.objects.filter(element__catalogue=v1).values_list("number", flat=True)
    )
    clause = copied.first()
    assert clause is not None
    clause.text = "修订后的条款内容。"
    services.save_catalogue_part(root, clause)  # drafts are editable
    services.publish_catalogue(root, draft)
    v1.refresh_from_db()
    draft.refresh_from_db()
    assert (v1.status, draft.status) == (CatalogueStatus.SUPERSEDED, CatalogueStatus.PUBLISHED)
    assert draft.published_at is not None
    assert (
        CriteriaClause.objects.filter(element__catalogue=v1, text="修订后的条款内容。").count() == 0
    )


def test_published_version_refuses_every_change(root: User) -> None:
    published = af.catalogue()
    clause = CriteriaClause.objects.filter(element__catalogue=published).first()
    assert clause is not None
    clause.text = "偷偷修改"
    with pytest.raises(ValidationError, match="已发布，不能修改"):
        services.save_catalogue_part(root, clause)
    with pytest.raises(ValidationError, match="已发布"):
        services.delete_catalogue_part(root, clause)
    element = CriteriaElement(catalogue=published, number=9, name="新要素")
    with pytest.raises(ValidationError):
        services.save_catalogue_part(root, element)
    published.title = "改名"
    with pytest.raises(ValidationError):
        services.save_catalogue_part(root, published)
    clause.refresh_from_db()
    assert clause.text == "机构应当满足本条要求。"


def test_clause_cannot_be_moved_out_of_a_published_version(root: User) -> None:
    published = af.catalogue()
    draft = services.create_catalogue_draft_from(root, published)
    clause = CriteriaClause.objects.filter(element__catalogue=published).first()
    assert clause is not None
    clause.element = draft.elements.get(number=1)
    clause.number = "9.9.9"
    with pytest.raises(ValidationError):
        services.save_catalogue_part(root, clause)


def test_publishing_twice_or_empty_is_refused(root: User) -> None:
    published = af.catalogue()
    with pytest.raises(ValidationError, match="只有草稿可以发布"):
        services.publish_catalogue(root, published)
    empty = af.catalogue(status=CatalogueStatus.DRAFT, clauses=0)
    with pytest.raises(ValidationError, match="没有任何条款"):
        services.publish_catalogue(root, empty)


def test_regulators_cannot_change_the_national_catalogue() -> None:
    draft = af.catalogue(status=CatalogueStatus.DRAFT)
    regulator = factories.regulator("11")
    with pytest.raises(PermissionDenied):
        services.create_catalogue_draft_from(regulator, draft)
    with pytest.raises(PermissionDenied):
        services.publish_catalogue(regulator, draft)


def test_admin_shows_published_clauses_read_only(root: User) -> None:
    published = af.catalogue()
    draft = services.create_catalogue_draft_from(root, published)
    client = Client()
    client.force_login(root)
    clause = CriteriaClause.objects.filter(element__catalogue=published).first()
    draft_clause = CriteriaClause.objects.filter(element__catalogue=draft).first()
    assert clause is not None and draft_clause is not None
    url = f"/admin/assessments/criteriaclause/{clause.pk}/change/"
    form = {"element": clause.element_id, "number": clause.number, "title": "改", "text": "改"}
    assert client.post(url, form).status_code == 403
    clause.refresh_from_db()
    assert clause.title != "改"
    page = client.get(url).content.decode()
    assert 'name="title"' not in page  # read-only view
    draft_url = f"/admin/assessments/criteriaclause/{draft_clause.pk}/change/"
    draft_form = {**form, "element": draft_clause.element_id, "position": 0}
    assert client.post(draft_url, draft_form).status_code == 302
    draft_clause.refresh_from_db()
    assert draft_clause.title == "改"


def test_admin_actions_draft_and_publish(root: User) -> None:
    published = af.catalogue(code="X", version=1)
    client = Client()
    client.force_login(root)
    url = "/admin/assessments/criteriacatalogue/"
    client.post(url, {"action": "make_draft", "_selected_action": [published.pk]})
    draft = published.derived_versions.get()
    client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == CatalogueStatus.PUBLISHED
