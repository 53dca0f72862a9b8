"""Each service call is attributed to its own actor, however calls follow each other."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from ticcoop.registry.services import save_institution
from ticcoop.testing import factories

pytestmark = pytest.mark.django_db


def last_actor(institution: object) -> object:
    return LogEntry.objects.get_for_object(institution).latest("pk").actor


def test_consecutive_services_in_one_thread_keep_their_own_actors() -> None:
    beijing, hebei = factories.regulator("11"), factories.regulator("13")
    first, second = factories.institution("11"), factories.institution("13")
    first.name = "改名一"
    save_institution(beijing, first)
    second.name = "改名二"
    save_institution(hebei, second)
    first.address = "新地址"
    save_institution(beijing, first)
    assert last_actor(second) == hebei
    assert last_actor(first) == beijing


def test_a_service_inside_a_request_context_restores_the_request_actor() -> None:
    from auditlog.context import set_actor

    outer, inner = factories.regulator("12"), factories.regulator("12")
    institution = factories.institution("12")
    with set_actor(outer):
        institution.name = "服务内"
        save_institution(inner, institution)
        assert last_actor(institution) == inner
        institution.address = "请求内直接保存"
        institution.save()
        assert last_actor(institution) == outer
