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


async def _late_and_slow(catalogue: Catalogue) -> dict:
    """A `late` page (content by page script after 2.2 s) and a page whose value comes by a slow request."""
    flow = catalogue.platform("linkedin")
    seen: dict = {}
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        for variant, url in [("late", "https://www.linkedin.com/mypreferences/d/settings/email-visibility"),
                             ("traps", "https://www.linkedin.com/mypreferences/d/settings/discover-me-by-email-address")]:
            context = await browser.new_context()
            sandbox = SandboxAccount(f"sandbox-{variant}", {"linkedin": flow},
                                     {"linkedin": load_variant("linkedin", variant)})
            await sandbox.attach(context)
            page = await context.new_page()
            answers: list[tuple[str, str]] = []
            page.on("response", lambda r, a=answers: a.append((r.url, r.headers.get("content-type", ""))))
            served = await (await page.goto(url)).text()
            seen[f"{variant}_served"] = served
            if variant == "late":
                radio = page.locator("[data-radio-field=emailVisibility] input[value=JUST_ME]")
                await radio.wait_for(timeout=30_000)  # arrives 2.2 s after load
                seen["loader_after"] = await page.locator("[aria-busy=true]").count()
                await radio.check()  # a late control saves like any other
                for _ in range(100):
                    if sandbox.state["linkedin"]["emailVisibility"] == "JUST_ME":
                        break
                    await asyncio.sleep(0.1)
                seen["saved"] = sandbox.state["linkedin"]["emailVisibility"]
            else:
                await page.wait_for_function(
                    "() => document.querySelector('[data-radio-field=discoverByEmail] input[value=NOBODY]').checked",
                    timeout=30_000)  # the placeholder "EVERYONE" is replaced when the 2 s request answers
                seen["answers"] = answers
                seen["page_loads"] = list(sandbox.page_loads)
            await context.close()
        await browser.close()
    return seen


def test_late_content_and_slow_data_requests(pg_home: Path, catalogue: Catalogue) -> None:
    """behaviour.late, <template data-arrive-after>, and pages with content_type/delay_ms (docs/fixtures.md)."""
    seen = asyncio.run(_late_and_slow(catalogue))
    # as served, the late page holds its control in a <template> the page script fills in after 2.2 s
    late = seen["late_served"]
    assert '<template data-arrive-after="2200">' in late
    assert late.index('<template data-arrive-after="2200">') < late.index('value="JUST_ME"') < late.index("</template>")
    assert seen["loader_after"] == 0
    assert seen["saved"] == "JUST_ME"
    api = "https://www.linkedin.com/voyager/api/settings/discoverByEmail"
    assert (api, "application/json") in seen["answers"]
    assert 'value="EVERYONE" checked' in seen["traps_served"]  # the placeholder, replaced once the data came
    assert seen["page_loads"] == ["https://www.linkedin.com/mypreferences/d/settings/discover-me-by-email-address"]
