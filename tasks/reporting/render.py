"""The report: one HTML file and a PNG per chart (matplotlib, rendered offline), beside a JSON of the data.

Charts: topic trends (the top topics per day, or per week over a long range), the biggest stories by spread
(sources × copies), places, per-source volume with blocked and pending pages, and the run history.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from warehouse.report_data import ReportData, read_report_data

WIDE, TALL = (9, 4.2), (9, 5)
COLUMNS_SOURCES = ("source", "articles", "skipped", "failed", "median words", "share without date",
                   "share without author", "pages fetched", "pages blocked", "pages pending")  # fmt: skip
COLUMNS_RUNS = ("started", "flow", "status", "new", "duplicate", "skipped", "failed")


def topic_chart(data: ReportData) -> Figure:
    periods = sorted({p for p, _, _ in data.topic_trend})
    figure, axes = plt.subplots(figsize=WIDE)
    for label in sorted({t for _, t, _ in data.topic_trend}):
        counts = {p: n for p, t, n in data.topic_trend if t == label}
        axes.plot(periods, [counts.get(p, 0) for p in periods], marker="o", label=label)
    axes.set_title(f"Top topics, articles per {data.period}")
    axes.set_ylabel("articles")
    axes.tick_params(axis="x", rotation=45, labelsize=7)
    if data.topic_trend:
        axes.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    return figure


def stories_chart(data: ReportData) -> Figure:
    figure, axes = plt.subplots(figsize=TALL)
    stories = list(reversed(data.stories))
    axes.barh([short(title or story, 48) for story, title, _, _ in stories],
              [sources * copies for _, _, sources, copies in stories])  # fmt: skip
    axes.set_title("Biggest stories by spread (sources × copies)")
    axes.set_xlabel("sources × copies")
    axes.tick_params(axis="y", labelsize=7)
    figure.tight_layout()
    return figure


def places_chart(data: ReportData) -> Figure:
    figure, axes = plt.subplots(figsize=WIDE)
    axes.bar([code for code, _ in data.places], [n for _, n in data.places])
    axes.set_title("Countries mentioned (articles)")
    axes.set_ylabel("articles")
    figure.tight_layout()
    return figure


def sources_chart(data: ReportData) -> Figure:
    figure, axes = plt.subplots(figsize=TALL)
    rows = list(reversed(data.sources))
    names = [short(row[0], 40) for row in rows]
    axes.barh(names, [row[1] for row in rows], label="articles")
    axes.barh(names, [row[8] for row in rows], left=[row[1] for row in rows], label="pages blocked")
    axes.barh(names, [row[9] for row in rows], left=[row[1] + row[8] for row in rows], label="pages pending")
    axes.set_title("Per source: articles, and pages blocked or pending")
    axes.tick_params(axis="y", labelsize=7)
    axes.legend(fontsize=7)
    figure.tight_layout()
    return figure


def runs_chart(data: ReportData) -> Figure:
    figure, axes = plt.subplots(figsize=WIDE)
    labels = [started.strftime("%m-%d %H:%M") for started, *_ in data.runs]
    axes.bar(labels, [row[3] for row in data.runs], label="new")
    axes.bar(labels, [row[6] for row in data.runs], bottom=[row[3] for row in data.runs], label="failed")
    axes.set_title("Run history: new articles and failures per run")
    axes.tick_params(axis="x", rotation=45, labelsize=7)
    axes.legend(fontsize=7)
    figure.tight_layout()
    return figure


CHARTS = (("topics", topic_chart), ("stories", stories_chart), ("places", places_chart),
          ("sources", sources_chart), ("runs", runs_chart))  # fmt: skip


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_report(db: str | Path, out: str | Path, since: datetime | None = None, until: datetime | None = None
                 ) -> Path:  # fmt: skip
    """Render the report for [since, until) into `out`: report.html, one PNG per chart, report.json."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = read_report_data(db, since, until)
    for name, chart in CHARTS:
        figure = chart(data)
        figure.savefig(out / f"{name}.png", dpi=110)
        plt.close(figure)
    (out / "report.json").write_text(json.dumps(report_json(data), default=str, indent=2, ensure_ascii=False))
    page = out / "report.html"
    page.write_text(render_html(data, db), encoding="utf-8")
    return page


def report_json(data: ReportData) -> dict:
    return {"since": data.since, "until": data.until, "articles": data.articles, "period": data.period,
            "topic_trend": data.topic_trend, "stories": data.stories, "places": data.places,
            "sources": [dict(zip(COLUMNS_SOURCES, row)) for row in data.sources],
            "runs": [dict(zip(COLUMNS_RUNS, row)) for row in data.runs]}  # fmt: skip


def table(columns: tuple[str, ...], rows: list[tuple]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(data: ReportData, db: str | Path) -> str:
    span = f"{data.since.date() if data.since else 'the start'} to {data.until.date() if data.until else 'now'}"
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = [
        ("Topic trends", "topics", table(("period", "topic", "articles"), data.topic_trend)),
        ("Biggest stories", "stories", table(("story", "title", "sources", "copies"), data.stories)),
        ("Places", "places", table(("country", "articles"), data.places)),
        ("Sources: health and data quality", "sources", table(COLUMNS_SOURCES, data.sources)),
        ("Run history", "runs", table(COLUMNS_RUNS, data.runs)),
    ]
    parts = [f"<section><h2>{title}</h2><img src='{image}.png' alt='{title}'><details><summary>data</summary>"
             f"{rows}</details></section>" for title, image, rows in sections]  # fmt: skip
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>newsflow report</title><style>"
        "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}img{max-width:100%}"
        "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
        f"</style></head><body><h1>newsflow report</h1><p>{data.articles} articles, {html.escape(span)}, from "
        f"<code>{html.escape(str(db))}</code>; made {made}.</p>{''.join(parts)}</body></html>"
    )
