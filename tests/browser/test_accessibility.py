"""An automated accessibility check (axe-core) of the main pages, in English and Spanish: no violation that
axe rates serious or critical (contrast, names of controls, labels, landmarks, ARIA misuse...)."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from .crm_pages import signed_in_crm

pytestmark = pytest.mark.browser

AXE = (Path(__file__).resolve().parents[1] / "browser_assets" / "axe.min.js").read_text(encoding="utf-8")
CHECKED = ("home", "list", "detail", "form", "board")
# Each violation as "rule (impact): help — the first elements it was found on".
VIOLATIONS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(", ")}`);
}"""



@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("name", CHECKED)
def test_main_page_has_no_serious_accessibility_violations(page: Page, make_live_app, sign_in, locale: str,
                                                           name: str) -> None:
    crm = signed_in_crm(make_live_app, sign_in, page, locale)
    page.goto(crm.live.url(crm.pages[name]))
    page.evaluate(AXE)  # through the DevTools protocol: the page's CSP does not apply, the app keeps it strict
    violations = page.evaluate(VIOLATIONS)
    assert not violations, "\n".join(violations)
