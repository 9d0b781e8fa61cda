"""Run summaries: the markdown artifact and the CLI's closing lines."""

from __future__ import annotations

from tasks.running.run_record import RunState, utc_now

MAX_LISTED = 20


def render_markdown(state: RunState, status: str) -> str:
    """A markdown summary of a run: counts, skip reasons, and the first skipped inputs."""
    c = state.counts
    seconds = (utc_now() - state.started).total_seconds()
    lines = [
        f"# newsflow {state.flow} run `{state.run_id}`",
        "",
        f"Status **{status}** in {seconds:.1f} s, warehouse `{state.db}`.",
        "",
        "| read | new | duplicate | skipped | failed |",
        "|---:|---:|---:|---:|---:|",
        f"| {c.read} | {c.new} | {c.duplicate} | {c.skipped} | {c.failed} |",
    ]
    if c.extra:
        lines += ["", "| counter | value |", "|---|---:|"]
        lines += [f"| {key} | {value} |" for key, value in sorted(c.extra.items())]
    if state.feeds:
        names = sorted({key for counter in state.feeds.values() for key in counter})
        lines += ["", "## Feeds", "", "| feed | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
        for feed, counter in sorted(state.feeds.items()):
            lines.append(f"| {feed} | " + " | ".join(str(counter.get(n, 0)) for n in names) + " |")
    if state.watch_hits:
        lines += ["", "## Watchlists", "", "| watch | article | matched |", "|---|---|---|"]
        lines += [f"| {h['watch']} | {h['title'] or h['article_id']} | {', '.join(h['terms'])} |"
                  for h in state.watch_hits[:MAX_LISTED]]  # fmt: skip
    if state.skips:
        lines += ["", "## Skipped inputs", "", "| reason | count |", "|---|---:|"]
        lines += [f"| {reason} | {n} |" for reason, n in state.skip_reasons().most_common()]
        lines += ["", "| input | reason |", "|---|---|"]
        lines += [f"| `{s.source_uri}` | {s.reason} |" for s in state.skips[:MAX_LISTED]]
        if len(state.skips) > MAX_LISTED:
            lines.append(f"| … and {len(state.skips) - MAX_LISTED} more | see `runs.skips` |")
    return "\n".join(lines)
