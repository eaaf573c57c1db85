"""The rendered HTML digest in a real browser (Debian's headless Chromium): the key elements are
visible, hostile feed text shows as text and runs nothing, and a screenshot is taken."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from monitor.alerts import evaluate_alerts
from monitor.config import AlertRules, Subscription
from monitor.digest import run_digests
from monitor.store import Store
from tests.test_digest_support import DIGEST_TIME, NOW, digest_settings, load_snapshot

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian chromium not installed (apt-get install chromium; .ci/run does)")


@pytest.fixture
def digest_html(store: Store, tmp_path: Path) -> Path:
    load_snapshot(store)
    evaluate_alerts(store, AlertRules(), clock=lambda: NOW)
    sub = Subscription(email="ana@newsroom.example", name="Ana")
    (result,) = run_digests(store, digest_settings(sub), out_dir=tmp_path, clock=lambda: DIGEST_TIME)
    return Path(result["html"])


def test_key_elements_are_visible_and_hostile_text_runs_nothing(digest_html: Path, tmp_path: Path) -> None:
    from playwright.sync_api import Dialog, sync_playwright

    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS[1:])
        try:
            page = browser.new_page(viewport={"width": 760, "height": 1200})
            def on_dialog(dialog: Dialog) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            page.goto(digest_html.as_uri())
            assert page.locator("#digest-title").is_visible()
            assert page.locator("#digest-summary").inner_text().startswith("5 alerts")
            cards = page.locator(".alert-card")
            assert cards.count() == 5
            for i in range(cards.count()):
                assert cards.nth(i).is_visible()
            first = cards.first
            assert "Bcc: victim@example.org <script>alert('title')</script>" in first.locator(
                ".alert-heading").inner_text()  # shown as text, not run
            assert first.locator(".origin").is_visible()
            assert first.locator(".spread-timeline td.bar").first.is_visible()
            assert first.locator(".outlet-table").is_visible()
            strike = page.locator(".alert-card", has_text="Rotterdam dockworkers")
            assert strike.locator(".shared-passage").is_visible()
            assert "walked off the job on Thursday morning" in strike.locator(".shared-passage").inner_text()
            figure = page.locator(".alert-figure_repeated").first
            assert figure.locator(".shared-figure").is_visible()
            bar = first.locator(".spread-timeline td.bar").first.bounding_box()
            assert bar is not None and bar["width"] >= 3 and bar["height"] >= 8
            assert page.evaluate("document.scripts.length") == 0
            page.screenshot(path=str(tmp_path / "digest.png"), full_page=True)
        finally:
            browser.close()
    assert dialogs == []
    assert (tmp_path / "digest.png").stat().st_size > 10_000


def test_chromium_command_line_renders_and_screenshots_the_digest(digest_html: Path, tmp_path: Path) -> None:
    shot = tmp_path / "cli.png"
    subprocess.run([CHROMIUM, *CHROME_FLAGS, f"--screenshot={shot}", "--window-size=760,1600",
                    "--hide-scrollbars", digest_html.as_uri()], check=True, capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = subprocess.run([CHROMIUM, *CHROME_FLAGS, "--dump-dom", digest_html.as_uri()], check=True,
                         capture_output=True, timeout=120, text=True).stdout
    assert 'id="digest-title"' in dom and dom.count('class="alert-card ') == 5
    assert "<script" not in dom.lower()
