"""Walk the demo as every role from its start page (issue 13): GET every same-site link.

Fails on: a server error; a link to a page that the role may not open (403, or a redirect
to the login page); English words on a page shown in Chinese, outside the allow-list of
ticcoop.testing.crawl (codes, units, standard numbers, proper names).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from ticcoop.testing.crawl import crawl

pytestmark = pytest.mark.django_db

#: (login, start page): one account of each role in the demo data.
ROLES = [
    ("", "/"),
    ("admin", "/workbench/"),
    ("observer", "/workbench/"),
    ("bj_regulator", "/workbench/"),
    ("heb_lab", "/workbench/"),
    ("judge_bj_1", "/workbench/"),
]


def client_for(username: str) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def test_every_role_can_open_every_page_it_is_linked_to_and_reads_chinese() -> None:
    call_command("demo_data", institutions=60, seed=5, verbosity=0)
    problems: list[str] = []
    crawled = 0
    for username, start in ROLES:
        allowed = frozenset({username})  # "欢迎， admin" in the admin's header
        report = crawl(client_for(username), start, max_pages=150, per_route=3, allowed=allowed)
        crawled += len(report.pages)
        problems += [f"[{username or 'anonymous'}] {line}" for line in report.problems()]
    assert crawled > 300
    assert not problems, "\n".join(problems)
