"""The criteria catalogue: drafts are edited, published versions never change.

Only superusers or holders of ``assessments.manage_catalogue`` write the national catalogue.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ticcoop.accounts.audit import audit_as
from ticcoop.assessments.models import (
    CatalogueStatus,
    CriteriaCatalogue,
    CriteriaClause,
    CriteriaElement,
)

CataloguePart = CriteriaCatalogue | CriteriaElement | CriteriaClause


def may_manage_catalogue(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.has_perm("assessments.manage_catalogue"))
    )


def access_catalogue_write(user: Any) -> None:
    if not may_manage_catalogue(user):
        raise PermissionDenied(_("只有评审准则管理员可以修改评审准则"))


def catalogue_of(part: CataloguePart) -> CriteriaCatalogue | None:
    if isinstance(part, CriteriaCatalogue):
        return part
    if isinstance(part, CriteriaElement):
        return part.catalogue if part.catalogue_id else None
    return part.element.catalogue if part.element_id else None


def _ensure_draft(catalogue: CriteriaCatalogue | None) -> None:
    """Refuse changes unless the catalogue is (and is stored as) a draft."""
    if catalogue is None:
        return
    stored = (
        CriteriaCatalogue.objects.filter(pk=catalogue.pk).values_list("status", flat=True).first()
        if catalogue.pk
        else None
    )
    for status in (catalogue.status, stored):
        if status is not None and status != CatalogueStatus.DRAFT:
            raise ValidationError(
                _("评审准则 %(catalogue)s 已发布，不能修改；请先由其创建新版本草稿")
                % {"catalogue": catalogue}
            )


def _ensure_part_unmoved(part: CataloguePart) -> None:
    """A stored element or clause may not be moved out of a published catalogue either."""
    if part.pk is None or isinstance(part, CriteriaCatalogue):
        return
    stored = type(part)._default_manager.filter(pk=part.pk).first()
    if stored is not None:
        _ensure_draft(catalogue_of(stored))


@transaction.atomic
def save_catalogue_part(actor: Any, part: CataloguePart) -> CataloguePart:
    """Create or change a draft catalogue, or one of its elements or clauses."""
    access_catalogue_write(actor)
    if isinstance(part, CriteriaCatalogue) and part.pk is None:
        part.status = CatalogueStatus.DRAFT
        part.published_at = None
    _ensure_draft(catalogue_of(part))
    _ensure_part_unmoved(part)
    part.full_clean()
    with audit_as(actor):
        part.save()
    return part


@transaction.atomic
def delete_catalogue_part(actor: Any, part: CataloguePart) -> None:
    access_catalogue_write(actor)
    _ensure_draft(catalogue_of(part))
    with audit_as(actor):
        part.delete()


@transaction.atomic
def create_catalogue_draft_from(actor: Any, version: CriteriaCatalogue) -> CriteriaCatalogue:
    """Copy ``version`` (elements and clauses) into a new draft with the next version number."""
    access_catalogue_write(actor)
    latest = CriteriaCatalogue.objects.filter(code=version.code).aggregate(Max("version"))
    draft = CriteriaCatalogue(
        code=version.code,
        version=(latest["version__max"] or 0) + 1,
        title=version.title,
        status=CatalogueStatus.DRAFT,
        based_on=version,
    )
    draft.full_clean()
    with audit_as(actor):
        draft.save()
        for element in version.elements.prefetch_related("clauses"):
            copy = CriteriaElement.objects.create(
                catalogue=draft, number=element.number, name=element.name
            )
            CriteriaClause.objects.bulk_create(
                CriteriaClause(
                    element=copy,
                    number=clause.number,
                    title=clause.title,
                    text=clause.text,
                    position=clause.position,
                )
                for clause in element.clauses.all()
            )
    return draft


@transaction.atomic
def publish_catalogue(actor: Any, draft: CriteriaCatalogue) -> CriteriaCatalogue:
    """Publish ``draft``; the previously published version of the same code is superseded."""
    access_catalogue_write(actor)
    draft = CriteriaCatalogue.objects.select_for_update().get(pk=draft.pk)
    if draft.status != CatalogueStatus.DRAFT:
        raise ValidationError(
            _("只有草稿可以发布（%(catalogue)s 的状态为 %(status)s）")
            % {
                "catalogue": draft,
                "status": draft.get_status_display(),
            }
        )
    if not CriteriaClause.objects.filter(element__catalogue=draft).exists():
        raise ValidationError(
            _("评审准则 %(catalogue)s 没有任何条款，不能发布") % {"catalogue": draft}
        )
    with audit_as(actor):
        for previous in CriteriaCatalogue.objects.filter(
            code=draft.code, status=CatalogueStatus.PUBLISHED
        ):
            previous.status = CatalogueStatus.SUPERSEDED
            previous.save(update_fields=["status"])
        draft.status = CatalogueStatus.PUBLISHED
        draft.published_at = timezone.now()
        draft.save(update_fields=["status", "published_at"])
    return draft
