"""The simulated platforms: real URLs, persistent state, reset, new variants without code."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from conftest import REPO, collect_sandbox, run_cli
from privacyguard.catalogue import Catalogue
from privacyguard.collect.browser import launch
from privacyguard.collect.change import change_setting
from privacyguard.sandbox import SandboxAccount, load_variant

pytestmark = pytest.mark.browser


async def _change(catalogue: Catalogue, account: str, setting_id: str, target: str) -> str | None:
    flow = catalogue.platform(setting_id.split(".")[0])
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        context = await browser.new_context()
        variants = {flow.platform: load_variant(flow.platform, "default")}
        sandbox = SandboxAccount(account, {flow.platform: flow}, variants)
        await sandbox.attach(context)
        outcome = await change_setting(await context.new_page(), flow, flow.by_id[setting_id], target)
        await browser.close()
        return outcome.after.value if outcome.after else None


def test_state_persists_across_processes_until_reset(pg_home: Path, catalogue: Catalogue) -> None:
    assert asyncio.run(_change(catalogue, "sandbox-default", "linkedin.generative_ai_data", "off")) == "off"
    scan = run_cli("scan", "--platform", "linkedin", "--sandbox", "default", "--format", "json", home=pg_home)
    ai = next(f for a in json.loads(scan.stdout)["accounts"] for f in a["findings"]
              if f["setting"] == "linkedin.generative_ai_data")
    assert ai["actual"] == "off" and ai["status"] == "PASS"
    reset = run_cli("sandbox", "reset", home=pg_home)
    assert reset.returncode == 0 and "1 saved account state" in reset.stdout
    assert collect_sandbox(catalogue, "linkedin", "default").readings["linkedin.generative_ai_data"].value == "on"


def test_a_variant_dropped_in_place_needs_no_code(pg_home: Path, tmp_path: Path) -> None:
    root = tmp_path / "fixtures"
    shutil.copytree(REPO / "fixtures", root)
    shutil.copytree(REPO / "docs" / "examples" / "fixtures-variant", root / "linkedin" / "my-variant")
    listed = run_cli("sandbox", "list", "--fixtures", str(root), home=pg_home)
    assert "my-variant" in listed.stdout
    scan = run_cli("scan", "--platform", "linkedin", "--sandbox", "my-variant", "--fixtures", str(root),
                   "--format", "json", home=pg_home)
    ai = next(f for a in json.loads(scan.stdout)["accounts"] for f in a["findings"]
              if f["setting"] == "linkedin.generative_ai_data")
    assert ai["actual"] == "off"


def test_nothing_leaves_the_machine(pg_home: Path, catalogue: Catalogue) -> None:
    async def visit() -> SandboxAccount:
        flow = catalogue.platform("linkedin")
        async with async_playwright() as playwright:
            browser = await launch(playwright)
            context = await browser.new_context()
            sandbox = SandboxAccount("x", {"linkedin": flow}, {"linkedin": load_variant("linkedin", "default")})
            await sandbox.attach(context)
            page = await context.new_page()
            with pytest.raises(Exception, match="ERR_BLOCKED_BY_CLIENT"):
                await page.goto("https://example.com/")
            await browser.close()
            return sandbox

    sandbox = asyncio.run(visit())
    assert sandbox.blocked_requests == ["https://example.com/"]


def test_signed_out_requests_meet_the_sign_in_page(pg_home: Path, catalogue: Catalogue) -> None:
    async def visit() -> str:
        flow = catalogue.platform("linkedin")
        async with async_playwright() as playwright:
            browser = await launch(playwright)
            context = await browser.new_context()
            sandbox = SandboxAccount("x", {"linkedin": flow}, {"linkedin": load_variant("linkedin", "default")},
                                     signed_in=False)
            await sandbox.attach(context)
            page = await context.new_page()
            await page.goto(flow.settings[0].url)
            url = page.url
            await browser.close()
            return url

    assert asyncio.run(visit()) == "https://www.linkedin.com/login"
