"""The lean read-only path: frames on demand, and nothing loaded that reading does not need.

A read-only run's browser draws a frame only when privacyguard asks for one (collect/frames.py).
These tests show that a page built on the next animation frame is still read right, that Playwright
can still click (sign-in, cookie dialogs) while frames are pumped, and that a heavy page is read
the same with images, fonts and beacons blocked (collect/blocking.py).
"""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import async_playwright

from privacyguard.catalogue import Catalogue
from privacyguard.collect import frames
from privacyguard.collect.browser import launch
from privacyguard.collect.runner import CollectRun, Target
from privacyguard.sandbox.fixtures import load_variant
from privacyguard.sandbox.server import SandboxAccount
from privacyguard.snapshot import Snapshot

pytestmark = pytest.mark.browser
PLATFORMS = ("linkedin", "facebook")


def values(snapshot: Snapshot) -> dict[tuple[str, str], tuple[str, str | None]]:
    return {(a.platform, sid): (r.status.value, r.value) for a in snapshot.accounts for sid, r in a.readings.items()}


def scan(catalogue: Catalogue, variant: str, **options: bool) -> tuple[Snapshot, CollectRun]:
    run = CollectRun(catalogue, **options)
    snapshot = asyncio.run(run.run([Target(p, f"{p}-{variant}", variant) for p in PLATFORMS]))
    return snapshot, run


def test_a_page_built_on_the_next_frame_is_read_right_on_the_lean_path(catalogue: Catalogue) -> None:
    default, _ = scan(catalogue, "default")
    on_frame, _ = scan(catalogue, "render-on-frame")
    assert sum(1 for _, value in values(default).values() if value) >= 28  # the comparison means something
    assert values(on_frame) == values(default)
    assert all(a.error is None for a in on_frame.accounts)


def test_without_a_frame_the_page_is_empty_and_one_frame_builds_it(catalogue: Catalogue) -> None:
    """What the previous test rests on: the lean browser draws nothing by itself, frames.tick draws."""
    flow = catalogue.platform("linkedin")
    setting = flow.by_id["linkedin.generative_ai_data"]

    async def run() -> tuple[bool, int, int, int]:
        async with async_playwright() as playwright:
            browser = await launch(playwright, headless=True, sandbox_only=True, lean=True)
            try:
                context = await browser.new_context()
                variant = load_variant("linkedin", "render-on-frame")
                await SandboxAccount("probe", {"linkedin": flow}, {"linkedin": variant}).attach(context)
                page = await context.new_page()
                controlled = await frames.attach(page)
                await page.goto(setting.url, wait_until="load")
                await asyncio.sleep(0.5)  # long enough for many frames, had any been drawn
                before = await page.locator("input").count()
                await frames.tick(page)
                after = await page.locator("input").count()
                async with frames.pumping(page):  # Playwright's click waits for frames: they are pumped
                    await page.get_by_role("switch").first.click(timeout=15_000)
                    checked = await page.get_by_role("switch").first.is_checked()
                return controlled, before, after, int(checked)
            finally:
                await browser.close()

    controlled, before, after, checked = asyncio.run(run())
    assert controlled
    assert before == 0
    assert after > 0
    assert checked == 0  # the default is on; the click turned it off


def test_a_heavy_page_reads_the_same_with_media_fonts_and_beacons_blocked(catalogue: Catalogue) -> None:
    default, _ = scan(catalogue, "default")
    blocked, run = scan(catalogue, "heavy")
    assert values(blocked) == values(default)
    served = [url for sandbox in run.sandboxes.values() for url in sandbox.asset_requests]
    assert served and all("/bundle-" in url for url in served)  # the scripts ran, nothing else was loaded

    full, run = scan(catalogue, "heavy", block_unneeded=False)
    assert values(full) == values(default)
    served = [url for sandbox in run.sandboxes.values() for url in sandbox.asset_requests]
    for kind in ("/image-", "/font-", "/beacon", "/bundle-"):
        assert any(kind in url for url in served), kind  # without blocking the page really weighs that


def _playwright_disabled_features() -> set[str]:
    """The `--disable-features` list the installed Playwright driver passes to Chromium."""
    import re
    from pathlib import Path

    import playwright

    lib = Path(playwright.__file__).parent / "driver" / "package" / "lib"
    for script in sorted(lib.rglob("*.js")):
        text = script.read_text(encoding="utf-8", errors="replace")
        found = re.search(r"disabledFeatures = \[(.*?)\]", text, flags=re.DOTALL)
        if found:
            body = re.sub(r"//[^\n]*", "", found.group(1))
            return set(re.findall(r'"([A-Za-z0-9]+)"', body))
    raise AssertionError(f"Playwright's disabled-features list not found under {lib}: see collect/browser.py")


def test_the_lean_browser_keeps_playwrights_disabled_features_and_turns_off_render_document() -> None:
    """Chromium honours only the last --disable-features switch, and ours comes after Playwright's:
    it must repeat Playwright's whole list (an upgrade that adds one fails here) and add ours."""
    from privacyguard.collect.browser import launch_args

    features = [a for a in launch_args(sandbox_only=True, lean=True) if a.startswith("--disable-features=")]
    assert len(features) == 1
    ours = set(features[0].split("=", 1)[1].split(","))
    playwrights = _playwright_disabled_features()
    assert len(playwrights) >= 10  # the parse found the list
    assert playwrights <= ours, f"add {sorted(playwrights - ours)} to PLAYWRIGHT_DISABLED_FEATURES"
    assert "RenderDocument" in ours
    assert not [a for a in launch_args(sandbox_only=True, lean=False) if a.startswith("--disable-features=")]


def test_the_floor_program_launches_its_browser_as_the_lean_path_does() -> None:
    """scripts/floor.py hard-codes the flags (it imports only Playwright): the same as the product's."""
    import importlib.util
    from pathlib import Path

    from privacyguard.collect.browser import launch_args

    spec = importlib.util.spec_from_file_location("floor", Path(__file__).parents[1] / "scripts" / "floor.py")
    assert spec is not None and spec.loader is not None
    floor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(floor)
    lean_only = [a for a in launch_args(lean=True) if a not in launch_args(lean=False)]
    assert lean_only == floor.LEAN_ARGS


def test_the_raw_floor_reads_the_same_controls_naive_and_concurrent(tmp_path: object) -> None:
    """scripts/floor_cdp.py, which the bench sets the audit and its speed-up against: both its modes
    load every page and read the same controls (a mode that skipped work would flatter the bound)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    scripts = Path(__file__).parents[1] / "scripts"
    pages = Path(str(tmp_path)) / "pages.json"
    subprocess.run([sys.executable, str(scripts / "floor.py"), "--export", str(pages)], check=True, timeout=120)
    rows = sum(len(platform) for platform in json.loads(pages.read_text(encoding="utf-8")).values())
    results = [json.loads(subprocess.run([sys.executable, str(scripts / "floor_cdp.py"), str(pages), "4", mode],
                                         check=True, capture_output=True, text=True, timeout=300).stdout)
               for mode in ("naive", "2")]
    assert rows > 20 and results[0]["accounts"] == results[1]["accounts"] == 4
    assert results[0]["controls"] == results[1]["controls"] > 4 * 10, results
