"""The public face and each role's landing page in a real browser, on the demo data.

- axe-core (vendored from npm, tests/browser/vendor/) finds no serious or critical WCAG 2.1 AA
  violation (GB/T 37668-2019 follows WCAG) on the public pages, the login page and the page each
  demo role lands on after login;
- no page breaks its Content-Security-Policy (Chromium reports every refused script or style);
- screenshots of the home page, a verify page on a 390 px phone, a PT round, the dashboard and a
  regulator's page are written to TICCOOP_SCREENSHOT_DIR (default: a temporary directory), for
  the CI artefacts and docs/screenshots/.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from ticcoop.accounts.demo import DEMO_PASSWORD
from ticcoop.certificates.models import Certificate
from ticcoop.proficiency.models import Round

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# The demo roles: the national administrator, the observer, a regulator, an institution user and
# a competition judge (README, "make run").
ROLES = ["admin", "observer", "bj_regulator", "bj_lab", "judge_bj_1"]
# WCAG 2.1 A/AA (what GB/T 37668-2019 asks) plus axe's best practices (landmarks, one h1, ...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def screenshot_dir() -> Path:
    configured = os.environ.get("TICCOOP_SCREENSHOT_DIR")
    directory = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="ticcoop-shots-"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def demo(live_server: Any) -> Iterator[dict[str, str]]:
    call_command("demo_data", institutions=40, stdout=open(os.devnull, "w"))  # noqa: SIM115
    certificate = Certificate.objects.filter(status="valid").order_by("number").first()
    assert certificate is not None
    token = certificate.versions.order_by("-pk").first().token
    published = Round.objects.filter(status="published").order_by("pk").first()
    assert published is not None
    yield {
        "verify": f"/verify/{certificate.number}/?t={token}",
        "round": f"/pt/rounds/{published.pk}/",
    }


def watch_csp(page: Any, base: str | None = None) -> list[str]:
    """CSP refusals Chromium reports, and (given the site's base URL) requests to other hosts."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    if base is not None:
        page.on(
            "request",
            lambda request: (
                refused.append(f"request to another host: {request.url}")
                if not request.url.startswith((base, "data:"))
                else None
            ),
        )
    return refused


def violations(page: Any) -> list[str]:
    """Every WCAG 2.1 A/AA or best-practice violation axe finds: impact rule (nodes×): target."""
    # evaluate() runs through the DevTools protocol, so the page's CSP does not block axe itself.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    assert results["passes"], "axe ran no rule"
    return [
        f"{v['impact']} {v['id']} ({len(v['nodes'])}×): {v['nodes'][0]['target']}"
        for v in results["violations"]
    ]


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.login button")
    page.wait_for_load_state()


def test_accessibility_csp_and_screenshots(
    live_server: Any, browser: Any, demo: dict[str, str]
) -> None:
    base = live_server.url
    shots = screenshot_dir()
    found: dict[str, list[str]] = {}
    refused: list[str] = []

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    refused += watch_csp(page, base)
    public = {
        "home": "/",
        "registry-search": "/institutions/?q=检测",
        "verify": demo["verify"],
        "notices": "/public/",
        "dashboard": "/public/dashboard/",
        "pt-round": demo["round"],
        "login": "/login/",
        "certificate-search": "/certificates/?q=检测",
        "pt-calendar": "/pt/",
        "draws": "/public/draws/",
        "competitions": "/competitions/",
    }
    for name, path in public.items():
        page.goto(base + path)
        found[name] = violations(page)
        if name in ("home", "dashboard", "pt-round"):
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    context.close()

    # The public pages on a 390 px phone: nothing may need sideways scrolling (a QR code is
    # scanned with a phone, so the verify page above all).
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    refused += watch_csp(page, base)
    too_wide: dict[str, int] = {}
    for name in public:
        page.goto(base + public[name])
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[name] = width
        if name == "verify":
            found["verify-390"] = violations(page)
            page.screenshot(path=str(shots / "verify-390.png"), full_page=True)
    phone.close()

    for username in ROLES:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        refused += watch_csp(page, base)
        log_in(page, base, username)
        found[f"start:{username}"] = violations(page)
        if username == "bj_regulator":
            # The regulator's header (the longest navigation) stays on one line at 1280 px.
            rows = page.evaluate(
                "new Set([...document.querySelectorAll('.site-nav .nav-link')]"
                ".map(a => Math.round(a.getBoundingClientRect().top))).size"
            )
            assert rows == 1
            assert page.locator(".region-tag").inner_text() == "北京市"
            page.screenshot(path=str(shots / "regulator-start.png"), full_page=True)
            page.goto(base + "/supervision/")
            found["regulator-supervision"] = violations(page)
            page.screenshot(path=str(shots / "regulator-supervision.png"), full_page=True)
        context.close()

    found["wider-than-390"] = [f"{name}: {width}px" for name, width in too_wide.items()]
    (shots / "axe.json").write_text(json.dumps(found, ensure_ascii=False, indent=1), "utf-8")
    print(f"screenshots and axe results in {shots}")
    assert too_wide == {}
    assert not refused, refused
    serious = {
        name: [v for v in found_here if v.startswith(("serious", "critical"))]
        for name, found_here in found.items()
    }
    assert {name: v for name, v in serious.items() if v} == {}


def test_api_docs_render_locally_under_the_csp(live_server: Any, page: Any) -> None:
    refused = watch_csp(page)
    foreign: list[str] = []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.goto(live_server.url + "/api/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() > 10
    assert "/api/certificates/verify" in page.locator("#swagger-ui").inner_text()
    assert refused == [] and foreign == []


def test_keyboard_skip_link_and_visible_focus(live_server: Any, page: Any) -> None:
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert outline not in ("0px", "")
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.evaluate("document.activeElement.id") == "main"
