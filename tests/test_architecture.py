"""The dependency rules of docs/architecture.md, checked on the source text."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "ticcoop"

# app → apps it must never import (arrows point one way only)
FORBIDDEN = {
    "methods": {"django", "ticcoop.regions", "ticcoop.accounts", "ticcoop.registry", "ticcoop.web"},
    "regions": {"ticcoop.accounts", "ticcoop.registry", "ticcoop.web"},
    "accounts": {"ticcoop.registry", "ticcoop.web"},
    "registry": {"ticcoop.web"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violations(app: str) -> list[str]:
    found = []
    for path in sorted((SRC / app).rglob("*.py")):
        for module in imported_modules(path):
            for banned in FORBIDDEN[app]:
                if module == banned or module.startswith(banned + "."):
                    found.append(f"{path.relative_to(SRC)} imports {module}")
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_app_imports_follow_the_architecture(app: str) -> None:
    assert violations(app) == []


def test_the_check_sees_an_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from django.db import models\nimport numpy\n", encoding="utf-8")
    assert imported_modules(module) == {"django.db", "numpy"}
