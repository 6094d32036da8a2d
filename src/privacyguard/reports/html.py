"""The HTML report: one self-contained file a non-expert can read.

No network fetches at all (inline CSS, inline SVG chart, no scripts, no fonts, no images from
elsewhere; a Content-Security-Policy forbids them too). Order: what changed since the last sweep,
a score per account, the trend over past sweeps, then every finding with the plain-language why
and how to fix it, with a link to the settings page. Rendered from a Jinja2 template shipped in
the package (templates/report.html.j2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from privacyguard.catalogue import load_catalogue
from privacyguard.findings import Report, Status
from privacyguard.history.drift import DriftItem
from privacyguard.i18n import _, ngettext, use_lang
from privacyguard.labels import account_status_label, expected_label, status_label, value_label
from privacyguard.reports.context import SweepView
from privacyguard.reports.sweep_text import (
    KIND_WEIGHT,
    drift_heading,
    failed_alerts_text,
    policy_change_text,
    previous_score,
)
from privacyguard.reports.table import STATUS_ORDER
from privacyguard.score import NOT_JUDGED, account_score


def platform_names() -> dict[str, str]:
    """Display names from the flows (flows/<platform>.yaml `name`), so a new platform needs no code here."""
    return {platform: flow.name for platform, flow in load_catalogue().flows.items()}

PALETTE = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7ea4", "#57606a"]

@dataclass
class Series:
    label: str
    color: str
    points: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, tooltip

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.points)


@dataclass
class Chart:
    width: int
    height: int
    left: int
    top: int
    plot_w: int
    plot_h: int
    series: list[Series]
    x_labels: list[tuple[float, str, str]]  # x, text-anchor, text
    y_ticks: list[tuple[float, str]]


def trend_chart(sweep: SweepView | None, width: int = 720, height: int = 260) -> Chart | None:
    """Geometry of the score-over-time chart (drawn as inline SVG by the template)."""
    if sweep is None or not any(t.points for t in sweep.trend):
        return None
    left, top, right, bottom = 48, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    sweeps = sorted({(p.sweep_id, p.taken_at) for t in sweep.trend for p in t.points})
    position = {sweep_id: i for i, (sweep_id, _) in enumerate(sweeps)}
    step = plot_w / max(1, len(sweeps) - 1)

    def x_of(sweep_id: int) -> float:
        return left + (plot_w / 2 if len(sweeps) == 1 else position[sweep_id] * step)

    def y_of(score: float) -> float:
        return top + plot_h * (1 - score / 100)

    series = []
    for i, trend in enumerate(sweep.trend):
        s = Series(trend.label, PALETTE[i % len(PALETTE)])
        for p in trend.points:
            if p.score is not None:
                s.points.append((x_of(p.sweep_id), y_of(p.score),
                                 _("{account} · sweep #{id} · {date}: {score}% ({fails} to fix)").format(
                                     account=trend.label, id=p.sweep_id, date=f"{p.taken_at:%Y-%m-%d}",
                                     score=f"{p.score:.0f}", fails=p.fails)))
        series.append(s)
    every = max(1, len(sweeps) // 8)
    x_labels = [(x_of(sid), "middle" if len(sweeps) == 1 else "start" if i == 0 else "end" if i == len(sweeps) - 1
                 else "middle", f"#{sid} · {taken:%d %b}") for i, (sid, taken) in enumerate(sweeps)
                if i % every == 0 or i == len(sweeps) - 1]
    y_ticks = [(y_of(v), f"{v}%") for v in (0, 25, 50, 75, 100)]
    return Chart(width, height, left, top, plot_w, plot_h, series, x_labels, y_ticks)


def once_per_setting(items: list[DriftItem]) -> list[tuple[DriftItem, list[str]]]:
    """One line per changed setting, with every kind of change it had: a value change that also made a
    rule fail is one event, said once (the most worrying kind speaks for it), most worrying first."""
    chosen: dict[tuple, DriftItem] = {}
    kinds: dict[tuple, list[str]] = {}
    for item in items:
        key = (item.platform, item.account, item.setting or item.kind.value)
        kinds.setdefault(key, []).append(item.kind.value)
        if key not in chosen or KIND_WEIGHT[item.kind] > KIND_WEIGHT[chosen[key].kind]:
            chosen[key] = item
    return sorted(((item, kinds[key]) for key, item in chosen.items()), key=lambda pair: -KIND_WEIGHT[pair[0].kind])


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("privacyguard.reports", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    return env


def render_html(report: Report, *, sweep: SweepView | None = None) -> str:
    with use_lang(report.tool.get("lang")) as lang:
        return _render(report, sweep, lang)


def _render(report: Report, sweep: SweepView | None, lang: str) -> str:
    accounts = []
    for account in sorted(report.accounts, key=lambda a: (a.platform, a.account)):
        findings = sorted(account.findings, key=lambda f: (STATUS_ORDER[f.status], f.setting))
        accounts.append({
            "report": account,
            "anchor": f"acc-{account.platform}-{account.account}",
            "score": account_score(account),
            "previous": previous_score(sweep, account.platform, account.account),
            "todo": [f for f in findings if f.status not in (Status.PASS, Status.NOT_APPLICABLE)],
            "done": [f for f in findings if f.status in (Status.PASS, Status.NOT_APPLICABLE)],
            "passing": sum(1 for f in findings if f.status is Status.PASS),
            # The score's own denominator: N/A and MUTED are left out of both figures (privacyguard.score).
            "judged": sum(1 for f in findings if f.status not in NOT_JUDGED),
            "not_judged": sum(1 for f in findings if f.status in NOT_JUDGED),
            "drift": sweep.drift_for(account.platform, account.account) if sweep else [],
        })
    drift = once_per_setting(sweep.drift) if sweep else []
    first = sweep is not None and all(b is None for b in sweep.baselines.values())
    return _environment().get_template("report.html.j2").render(
        report=report, sweep=sweep, names=platform_names(), accounts=accounts, drift=drift, first=first, lang=lang,
        _=_, ngettext=ngettext, status_label=status_label, account_status_label=account_status_label,
        value_label=value_label, expected_label=expected_label,
        heading=drift_heading(sweep, len(drift)) if sweep else "",
        policy_note=policy_change_text(sweep) if sweep else None,
        chart=trend_chart(sweep), weight=KIND_WEIGHT,
        alert_failures=failed_alerts_text(sweep) if sweep else [], version=report.tool.get("version", ""))
