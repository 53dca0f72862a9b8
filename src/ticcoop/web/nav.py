"""Role-aware navigation: the site header links only to pages the user can open.

A context processor (``nav_links``) so that the header template stays a loop and the rule
for each link lives next to the page's own access check, called here rather than copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ticcoop.accounts.queries import writable_region_ids
from ticcoop.competitions.queries import judges_of_user
from ticcoop.supervision.queries import access_workbench


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str
    url: str


def _may_open_supervision(user: Any) -> bool:
    try:
        access_workbench(user)
    except PermissionDenied:
        return False
    return True


# An anonymous visitor's links depend only on the language and the URLs: built once per
# language (8 URL reversals and translations of every public page, issue 17).
_anonymous: dict[tuple[str | None, str, object], list[NavLink]] = {}


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    _anonymous.clear()


def links_for(user: Any) -> list[NavLink]:
    if not user.is_authenticated:
        key = (get_language(), get_script_prefix(), get_urlconf())
        links = _anonymous.get(key)
        if links is None:
            links = _anonymous[key] = _links_for(user)
        return list(links)  # a copy: the kept one is never changed
    return _links_for(user)


def _links_for(user: Any) -> list[NavLink]:
    links = (
        [NavLink("workbench", _("我的工作台"), reverse("workbench"))]
        if user.is_authenticated
        else []
    )
    links += [
        NavLink("institutions", _("机构查询"), reverse("institution-search")),
        NavLink("certificates", _("证书查询"), reverse("certificates-search")),
    ]
    if user.is_authenticated:
        # Everyone logged in sees their own assessments (labs, assessors) or all (regulators).
        links.append(NavLink("assessments", _("资质认定评审"), reverse("assessments-list")))
    links += [
        NavLink("competitions", _("技能比武"), reverse("competitions-list")),
        NavLink("inspections", _("交叉互查"), reverse("inspections-index")),
        NavLink("disclosure", _("双随机公示"), reverse("disclosure-index")),
        NavLink("dashboard", _("监管数据"), reverse("disclosure-dashboard")),
        NavLink("pt", _("能力验证"), reverse("pt-calendar")),
        NavLink("api", _("开放接口"), reverse("api:openapi-view")),
    ]
    if user.is_authenticated:
        if judges_of_user(user).exists():
            links.append(NavLink("judging", _("我的评分表"), reverse("competitions-judging")))
        if _may_open_supervision(user):
            links.append(NavLink("supervision", _("监管工作台"), reverse("supervision-home")))
        if user.is_staff:
            links.append(NavLink("admin", _("管理后台"), reverse("admin:index")))
    return links


def nav_links(request: HttpRequest) -> dict[str, Any]:
    """Computed only when a template uses it (the API and file downloads never do)."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "nav_links": SimpleLazyObject(lambda: links_for(user)),
        # Sub-navigation links to pages that write a region's records (e.g. the target import).
        "may_write_region": SimpleLazyObject(lambda: bool(writable_region_ids(user))),
    }
