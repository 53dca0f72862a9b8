"""The dependency rules of docs/architecture.md, checked on the source text."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "ticcoop"

# Apps from the bottom up: an app may import only apps listed before it (and methods).
# Sideways or upward imports break the direction of docs/architecture.md.
LAYERS = [
    "regions",
    "accounts",
    "audit",
    "jobs",
    "notices",
    "events",
    "trust",
    "registry",
    "assessments",
    "certificates",
    "proficiency",
    "supervision",
    "inspections",
    "competitions",
    "disclosure",
    "apiclients",
    "web",
]
# Apps at the same height that must not use each other.
SIDEWAYS = {
    "competitions": {"supervision", "inspections"},
}


def forbidden_for(app: str) -> set[str]:
    if app == "methods":
        return {"django"} | {f"ticcoop.{name}" for name in LAYERS}
    later = LAYERS[LAYERS.index(app) + 1 :]
    return {f"ticcoop.{name}" for name in later + sorted(SIDEWAYS.get(app, set()))}


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
    banned = forbidden_for(app)
    found = []
    for path in sorted((SRC / app).rglob("*.py")):
        for module in imported_modules(path):
            if any(module == b or module.startswith(b + ".") for b in banned):
                found.append(f"{path.relative_to(SRC)} imports {module}")
    return found


@pytest.mark.parametrize("app", ["methods", *LAYERS])
def test_app_imports_follow_the_architecture(app: str) -> None:
    assert violations(app) == []


def test_every_app_has_a_place_in_the_layers() -> None:
    apps = {p.parent.name for p in SRC.glob("*/apps.py")}
    assert apps == set(LAYERS)


def test_the_check_sees_an_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from django.db import models\nimport numpy\n", encoding="utf-8")
    assert imported_modules(module) == {"django.db", "numpy"}
    assert "ticcoop.web" in forbidden_for("registry")
    assert "ticcoop.registry" not in forbidden_for("certificates")
