"""A small same-site crawler for tests: follow every link a role can see, GET only.

It reports, per role: server errors, links to pages the role may not open (403, or a
redirect to the login page), and English words shown on a Chinese page outside an
allow-list (codes, units, standard numbers, proper names). It reads HTML with the standard
library's parser; text inside ``<code>``, ``<pre>``, ``<kbd>``, ``<samp>``, ``<script>``,
``<style>`` and elements marked ``translate="no"`` is not prose and is not checked.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

NOT_PROSE = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
SKIPPED_PREFIXES = ("/i18n/", "/logout/", "/admin/logout/", "/static/", "/media/", "/api/")
#: The admin's own pages beyond its index and app indexes (change lists of every model) are
#: Django's and django-auditlog's; the crawl checks the index pages only.
ADMIN_DEPTH = 3  # "/admin/", "/admin/<app>/"
# A run of letters, digits and the joiners of codes, paths and file names; runs with a digit,
# "_", "/" or "." (hashes, x_pt, GB/T 5750, docs/methods/draw.md, targets.csv) are not words.
RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./'’-]*[A-Za-z0-9]|[A-Za-z]")
CODE_MARKS = re.compile(r"[0-9_./]")

#: Words allowed on a Chinese page: proper names, codes and units that are written in Latin
#: letters in Chinese text too. All-capital words (CMA, GB, ISO, PDF, CSV …) are codes and
#: always allowed; so are words that contain a digit (Ed25519, 2025Q3) — see ``english_words``.
ALLOWED_WORDS = {
    # proper names and product names
    "ticcoop",
    "Django",
    "Swagger",
    "OpenAPI",
    "Excel",
    "OpenSSL",
    "Webhook",  # the protocol's name, written so in Chinese interfaces too
    "Atom",
    "ReDoc",
    "consistent-sampler",
    "Beijing",
    "Tianjin",
    "Hebei",
    "Shanxi",
    "Inner",
    "Mongolia",  # regions' English names
    # units (SI and the ones PT schemes use)
    "mg",
    "kg",
    "ml",
    "mL",
    "μg",
    "ug",
    "MPa",
    "kPa",
    "Pa",
    "mm",
    "cm",
    "km",
    "min",
    "dB",
    "Hz",
    "kHz",
    "MHz",
    "GHz",
    "mol",
    "mmol",
    "ppm",
    "ppb",
    "lg",
    "cfu",
    # ISO 13528 performance statistics written as symbols
    "En",
    "pt",  # E_n; the subscript of x_pt, σ_pt when written as x<sub>pt</sub>
}


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    links: list[str] = field(default_factory=list)
    text: str = ""
    location: str = ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.parts: list[str] = []
        self._stack: list[bool] = []  # per open element: is its content excluded?

    def _excluded(self) -> bool:
        return any(self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag in VOID:
            return
        self._stack.append(tag in NOT_PROSE or values.get("translate") == "no")

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._excluded():
            self.parts.append(data)


def read(client: Client, url: str) -> Page:
    response = client.get(url)
    content_type = response.get("Content-Type", "")
    page = Page(url, response.status_code, content_type, location=response.get("Location", ""))
    if response.status_code == 200 and content_type.startswith("text/html"):
        reader = _Reader()
        reader.feed(response.content.decode("utf-8", "replace"))
        page.links = reader.links
        page.text = " ".join(reader.parts)
    return page


def english_words(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Latin-letter words that are not codes, units or names (see ALLOWED_WORDS), each with
    a little of the text around it ("word «…context…»") so that a failure says where."""
    found = []
    for match in RUN.finditer(text):
        word = match.group(0)
        if word in allowed or (match.start() > 0 and text[match.start() - 1] in "_."):
            continue  # a login name; a symbol's subscript (σ_pt) or a file extension
        if len(word) < 2 or word in ALLOWED_WORDS or word.isupper() or CODE_MARKS.search(word):
            continue
        around = " ".join(text[max(0, match.start() - 25) : match.end() + 25].split())
        found.append(f"{word} «{around}»")
    return found


def route_of(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return match.view_name or match.route


@dataclass
class CrawlReport:
    pages: list[Page] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    forbidden_links: list[str] = field(default_factory=list)
    english: dict[str, list[str]] = field(default_factory=dict)

    def problems(self) -> list[str]:
        lines = [f"5xx {item}" for item in self.server_errors]
        lines += [f"forbidden link {item}" for item in self.forbidden_links]
        for url, words in self.english.items():
            first: dict[str, str] = {}
            for item in words:
                first.setdefault(item.split(" ", 1)[0], item)
            lines.append(f"English on {url}: " + "; ".join(first.values()))
        return lines


def crawl(
    client: Client,
    start: str,
    max_pages: int = 200,
    per_route: int = 3,
    login_url: str = "/login/",
    allowed: frozenset[str] = frozenset(),
) -> CrawlReport:
    """Breadth first from ``start``; at most ``per_route`` pages of each URL pattern, so that
    a few hundred pages cover every kind of page instead of one long list."""
    report = CrawlReport()
    seen: set[str] = {start}
    queue: deque[tuple[str, str]] = deque([(start, "")])
    per_route_count: Counter[str] = Counter()
    while queue and len(report.pages) < max_pages:
        url, referrer = queue.popleft()
        page = read(client, url)
        report.pages.append(page)
        where = f"{url} (linked from {referrer or 'start'})"
        if page.status >= 500:
            report.server_errors.append(where)
        elif page.status == 403 or (
            page.status == 302 and urlsplit(page.location).path == login_url
        ):
            report.forbidden_links.append(f"{where} -> {page.status}")
        words = english_words(page.text, allowed) if page.text else []
        if words:
            report.english[url] = words
        for href in page.links:
            target, _fragment = urldefrag(urljoin(url, href))
            parts = urlsplit(target)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path in seen or parts.path.startswith(SKIPPED_PREFIXES):
                continue
            if parts.path.startswith("/admin/") and parts.path.count("/") > ADMIN_DEPTH:
                continue
            seen.add(path)
            route = route_of(parts.path)
            if per_route_count[route] >= per_route:
                continue
            per_route_count[route] += 1
            queue.append((path, url))
    return report
