"""The HTML audit report: one self-contained file (inline CSS, no script, nothing fetched)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from privacyguard.audit.matrix import CELL_ORDER, Matrix, Rate
from privacyguard.audit.model import Audit
from privacyguard.i18n import N_, _, get_lang
from privacyguard.labels import level_label, severity_label

TEMPLATES = Path(__file__).resolve().parent / "templates"
# A matrix cell's status in a few letters (the legend says what each means); translated when shown.
SHORT = {"PASS": N_("PASS"), "FAIL": N_("FAIL"), "WARN": N_("WARN"), "ERROR": N_("ERROR"), "MUTED": N_("MUTED"),
         "NOT_APPLICABLE": N_("N/A"), "UNKNOWN": N_("UNKN"), "MISSING": N_("MISS")}
MEANING = {"PASS": N_("meets the policy"), "FAIL": N_("a must rule not met"), "WARN": N_("a should rule not met"),
           "ERROR": N_("could not be checked"), "MUTED": N_("agreed exception"),
           "NOT_APPLICABLE": N_("no longer offered"), "UNKNOWN": N_("could not be read"),
           "MISSING": N_("not handed in")}


def _short(status: str | None) -> str:
    return _(SHORT[status]) if status in SHORT else (status or "—")


def _word(words: dict[str, str], value: str | None) -> str:
    return _(words[value]) if value in words else (value or "—")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(pct=_pct, bar=_bar, counts=_counts, change=_change, short=_short,
                       meaning=lambda s: _word(MEANING, s), level=level_label, severity=severity_label, _=_)
    return env


def _pct(rate: Rate) -> str:
    return "—" if rate.rate is None else f"{rate.rate * 100:.0f}%"


def _bar(rate: Rate) -> Markup:
    width = round((rate.rate or 0) * 120)
    return Markup('<span class="bar-bg"><span class="bar" style="width:{}px"></span></span>').format(width)


def _counts(rate: Rate) -> str:
    return ", ".join(f"{n} {_short(s)}" for s, n in sorted(rate.counts.items(), key=lambda kv: CELL_ORDER.index(kv[0])
                                                   if kv[0] in CELL_ORDER else 99))


def _change(delta: dict | None) -> Markup:
    if not delta or delta.get("change") is None:
        return Markup("—")
    change = delta["change"] * 100
    css = "up" if change > 0 else "down" if change < 0 else ""
    return Markup('<span class="{}">{}</span>').format(css, _("{change} pts").format(change=f"{change:+.0f}"))


def render_html(matrix: Matrix, audit: Audit) -> str:
    platforms: list[tuple[str, int]] = []
    for rule in matrix.rules:
        if platforms and platforms[-1][0] == rule.platform:
            platforms[-1] = (rule.platform, platforms[-1][1] + 1)
        else:
            platforms.append((rule.platform, 1))
    present = {c.status for row in matrix.rows for c in row.cells.values() if c.status}
    legend = [s for s in CELL_ORDER if s in present]
    missing_people = sorted({m.person for m in audit.missing})
    return _environment().get_template("report.html.j2").render(
        audit=audit, matrix=matrix, platforms=platforms, legend=legend, missing_people=missing_people,
        lang=get_lang())
