"""The English catalogue is complete, and pages really switch to English.

Source strings are Simplified Chinese; ``locale/en/LC_MESSAGES/django.po`` must translate every one
of them. Add English for new strings with::

    cd src/ticcoop && ticcoop makemessages -l en --ignore "*/tests/*" --ignore "testing/*" \
        --ignore "methods/*" --no-location
    # fill in the empty msgstr / remove "#, fuzzy", then:
    ticcoop compilemessages
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

import ticcoop
from ticcoop.testing import factories

PACKAGE_DIR = Path(ticcoop.__file__).resolve().parent
CATALOGUE = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
NOT_EXTRACTED = {"tests", "testing", "methods", "locale", "static", "__pycache__"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: dict[str, str] = field(default_factory=dict)
    fuzzy: bool = False


def parse_po(text: str) -> list[Entry]:
    """Entries of a .po file (obsolete ``#~`` entries and the header are left out)."""
    entries: list[Entry] = []
    entry = Entry()
    key: str | None = None

    def finish() -> None:
        nonlocal entry, key
        if key is not None and entry.msgid:
            entries.append(entry)
        entry, key = Entry(), None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if key is not None:
                finish()
            entry.fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert key is not None, f"continuation line without keyword: {raw!r}"
            _append(entry, key, ast.literal_eval(line))
        else:
            keyword, _, value = line.partition(" ")
            if keyword == "msgid" and key is not None and key != "msgctxt":
                finish()
            key = keyword
            _append(entry, key, ast.literal_eval(value))
    finish()
    return entries


def _append(entry: Entry, key: str, value: str) -> None:
    if key == "msgid":
        entry.msgid += value
    elif key == "msgid_plural":
        entry.msgid_plural += value
    elif key.startswith("msgstr"):
        entry.msgstr[key] = entry.msgstr.get(key, "") + value


def problems(entries: list[Entry]) -> list[str]:
    """Msgids without a usable English translation."""
    return [
        ("[fuzzy] " if e.fuzzy else "[untranslated] ") + e.msgid
        for e in entries
        if e.fuzzy or not e.msgstr or not all(e.msgstr.values())
    ]


def test_parser_sees_untranslated_fuzzy_and_plural_entries() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        'msgid "地区"\nmsgstr "Region"\n\n'
        'msgid "名称"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "退回"\nmsgstr "Log out"\n\n'
        'msgid "共 %(counter)s 项"\nmsgid_plural "共 %(counter)s 项"\n'
        'msgstr[0] "%(counter)s item"\nmsgstr[1] ""\n\n'
        '#~ msgid "旧"\n#~ msgstr ""\n'
    )
    entries = parse_po(text)
    assert [e.msgid for e in entries] == ["地区", "名称", "退回", "共 %(counter)s 项"]
    assert problems(entries) == [
        "[untranslated] 名称",
        "[fuzzy] 退回",
        "[untranslated] 共 %(counter)s 项",
    ]


def test_committed_catalogue_translates_every_entry() -> None:
    entries = parse_po(CATALOGUE.read_text(encoding="utf-8"))
    assert len(entries) > 1000
    missing = problems(entries)
    assert not missing, "English missing in locale/en/LC_MESSAGES/django.po:\n" + "\n".join(missing)


def test_compiled_catalogue_matches_the_po_file() -> None:
    with CATALOGUE.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in parse_po(CATALOGUE.read_text(encoding="utf-8")):
        if e.msgid_plural:
            got = [compiled.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2)]
            want = [e.msgstr.get("msgstr[0]"), e.msgstr.get("msgstr[1]")]
        else:
            got, want = [compiled.gettext(e.msgid)], [e.msgstr.get("msgstr")]
        if got != want:
            stale.append(e.msgid)
    assert not stale, "django.mo is stale, run ticcoop compilemessages:\n" + "\n".join(stale)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext not installed")
def test_every_string_in_the_sources_is_in_the_catalogue(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-extract the sources into a copy of the catalogue: nothing may come out untranslated."""

    def skip(folder: str, names: list[str]) -> set[str]:
        return {
            n
            for n in names
            if n in NOT_EXTRACTED
            or ((Path(folder) / n).is_file() and not n.endswith((".py", ".html", ".txt")))
        }

    tree = tmp_path / "ticcoop"
    shutil.copytree(PACKAGE_DIR, tree, ignore=skip)
    copy = tree / "locale" / "en" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copyfile(CATALOGUE, copy)
    probe = "这是一条用来确认提取有效的字符串"
    (tree / "web" / "_probe.py").write_text(
        f"from django.utils.translation import gettext as _\n\n_({probe!r})\n", encoding="utf-8"
    )
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)
    call_command("makemessages", locale=["en"], no_location=True, verbosity=0)
    entries = parse_po(copy.read_text(encoding="utf-8"))
    assert len(entries) > 1000, "extraction found (almost) nothing"
    missing = [m for m in problems(entries) if m != f"[untranslated] {probe}"]
    assert len(missing) < len(problems(entries)), "the probe string was not extracted"
    assert not missing, "Strings without English (run makemessages -l en and translate):\n" + (
        "\n".join(missing)
    )


def test_gettext_is_not_imported_under_names_makemessages_cannot_see() -> None:
    """xgettext finds ``_``, ``gettext``, ``gettext_lazy``, …, but skips aliases such as ``_l``."""
    alias = re.compile(r"\b(n?p?gettext(?:_lazy|_noop)?) as (?!_\b)(\w+)")
    offenders = [
        f"{path.relative_to(PACKAGE_DIR)}: {match.group(0)}"
        for path in PACKAGE_DIR.rglob("*.py")
        if not NOT_EXTRACTED.intersection(path.relative_to(PACKAGE_DIR).parts)
        for match in alias.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "import gettext functions as _ or by their own name:\n" + "\n".join(
        offenders
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "english", "chinese"),
    [
        ("/institutions/", "Find a TIC institution", "检验检测机构查询"),
        ("/pt/", "Proficiency testing calendar", "能力验证计划日历"),
        ("/public/", "Latest draws", "最近的抽取"),
        ("/competitions/", "Skills competitions for TIC institutions", "检验检测机构技能比武"),
        (
            "/assessments/experts/",
            "Shared assessor/expert pool of the five regions",
            "评审员/专家库",
        ),
    ],
)
def test_pages_of_each_app_speak_english_when_chosen(
    client: Client, url: str, english: str, chinese: str
) -> None:
    factories.institution("11")
    client.force_login(factories.regulator("11"))
    chinese_page = client.get(url)
    assert chinese_page.status_code == 200
    assert chinese in chinese_page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url).content.decode()
    assert '<html lang="en">' in page
    assert english in page
    assert chinese not in page
