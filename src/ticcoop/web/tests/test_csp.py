"""Strict Content-Security-Policy and nothing loaded from another host.

Every template keeps scripts in static files and styles in our stylesheet (no inline script,
style element, style attribute or on* handler), the rendered pages carry the strict CSP header,
and no page, template or stylesheet of ours points a browser at another host (no CDN).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ticcoop.certificates.tests import factories as cf
from ticcoop.testing import factories

PACKAGE = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))
OUR_STATIC = [
    path
    for path in PACKAGE.glob("*/static/**/*")
    if path.suffix in (".css", ".js") and "vendor" not in path.parts
]

INLINE = [
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"\bjavascript:", re.I), "a javascript: URL"),
]
# A script element in a template must load a file (json_script data blocks are written by the
# filter, not by the template, and are never executed).
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.I)
FOREIGN = re.compile(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
FOREIGN_CSS = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I)


def test_the_templates_exist() -> None:
    assert len(TEMPLATES) > 80 and any(p.name == "base.html" for p in TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_template_has_inline_script_or_style_or_a_foreign_host(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    problems = [what for pattern, what in INLINE if pattern.search(text)]
    problems += [
        f"inline script {tag}" for tag in SCRIPT_TAG.findall(text) if "src=" not in tag.lower()
    ]
    problems += [f"foreign URL near {m.group(0)!r}" for m in FOREIGN.finditer(text)]
    assert problems == []


@pytest.mark.parametrize("path", OUR_STATIC, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_our_static_files_load_nothing_from_another_host(path: Path) -> None:
    assert not FOREIGN_CSS.search(path.read_text(encoding="utf-8"))


class PageParts(HTMLParser):
    """The scripts, styles and URLs of a rendered page."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.styles = 0
        self.handlers: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and not named.get("src") and named.get("type") != "application/json":
            self.inline_scripts += 1
        if tag == "style" or "style" in named:
            self.styles += 1
        self.handlers += [name for name, _value in attrs if name.startswith("on")]
        self.urls += [value or "" for name, value in attrs if name in ("src", "href", "action")]


def rendered(client: Client, url: str) -> tuple[str, PageParts]:
    response = client.get(url)
    assert response.status_code == 200, url
    policy = response["Content-Security-Policy"]
    parts = PageParts()
    parts.feed(response.content.decode())
    return policy, parts


@pytest.mark.django_db
def test_key_pages_carry_the_strict_policy_and_load_only_from_this_host(client: Client) -> None:
    certificate = cf.certificate("13")
    token = certificate.versions.get().token
    pages = [
        "/",
        "/institutions/?q=检测",
        f"/certificates/{certificate.number}/",
        f"/verify/{certificate.number}/?t={token}",
        "/public/",
        "/public/dashboard/",
        "/pt/",
        "/login/",
        "/api/docs",
    ]
    user = factories.regulator("13")
    for url in pages:
        policy, parts = rendered(client, url)
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["default-src"] == "'self'", url
        assert directives["script-src"] == "'self'", url
        assert directives["style-src"] == "'self'", url
        assert "unsafe" not in policy, url
        assert (parts.inline_scripts, parts.styles, parts.handlers) == (0, 0, []), url
        foreign = [u for u in parts.urls if re.match(r"\s*(?:https?:)?//", u)]
        assert foreign == [], url
    client.force_login(user)
    policy, parts = rendered(client, "/supervision/")
    assert (parts.inline_scripts, parts.styles, parts.handlers) == (0, 0, [])


@pytest.mark.django_db
def test_api_docs_are_served_from_our_static_files(client: Client) -> None:
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert User.objects.count() == 0  # the docs page needs no account


@pytest.mark.django_db
def test_the_kept_policy_is_django_csp_s_and_follows_a_changed_setting(client: Client) -> None:
    from csp.utils import build_policy
    from django.test import override_settings

    assert client.get("/").headers["Content-Security-Policy"] == build_policy()
    strict = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=strict):
        assert client.get("/").headers["Content-Security-Policy"] == "default-src 'none'"
    assert client.get("/").headers["Content-Security-Policy"] == build_policy()
