"""From the public draw notice to the downloaded manifest, which verifies offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ticcoop.cli.draw_verify import main as verify_main
from ticcoop.supervision.tests import factories as f
from ticcoop.testing import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _download(page: Any, selector: str, target: Path) -> Path:
    with page.expect_download() as info:
        page.click(selector)
    info.value.save_as(target)
    return target


def test_public_draw_notice_downloads_a_verifiable_manifest(
    live_server: Any, page: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f.population()
    batch = f.drawn_batch({"11": factories.regulator("11"), "12": factories.regulator("12")})
    page.goto(f"{live_server.url}/public/")
    page.click(f"text={batch}")
    assert batch.snapshot_sha256 == page.locator("#snapshot-sha256").inner_text()
    manifest = _download(page, "#manifest-link", tmp_path / "manifest.json")
    targets = _download(page, "text=targets.csv", tmp_path / "targets.csv")
    inspectors = _download(page, "text=inspectors.csv", tmp_path / "inspectors.csv")
    keys = tmp_path / "keys.json"
    response = page.request.get(f"{live_server.url}/api/trust/keys")
    keys.write_bytes(response.body())
    argv = [str(manifest), "--targets", str(targets), "--inspectors", str(inspectors)]
    assert verify_main([*argv, "--keys", str(keys)]) == 0
    assert capsys.readouterr().out == "OK\n"
    manifest.write_bytes(
        manifest.read_bytes().replace(b'"drawn":[{"id":"', b'"drawn":[{"id":"X', 1)
    )
    assert verify_main([*argv, "--keys", str(keys)]) == 1
