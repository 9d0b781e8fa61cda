"""Run summaries: the markdown artifact and the CLI's closing lines."""

from __future__ import annotations

from tasks.run_record import RunState, utc_now

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
    if state.skips:
        lines += ["", "## Skipped inputs", "", "| reason | count |", "|---|---:|"]
        lines += [f"| {reason} | {n} |" for reason, n in state.skip_reasons().most_common()]
        lines += ["", "| input | reason |", "|---|---|"]
        lines += [f"| `{s.source_uri}` | {s.reason} |" for s in state.skips[:MAX_LISTED]]
        if len(state.skips) > MAX_LISTED:
            lines.append(f"| … and {len(state.skips) - MAX_LISTED} more | see `runs.skips` |")
    return "\n".join(lines)


def render_text(state: RunState, status: str) -> str:
    """The few lines the CLI prints after a run."""
    c = state.counts
    seconds = (utc_now() - state.started).total_seconds()
    lines = [
        f"{state.flow} run {state.run_id} {status} in {seconds:.1f}s: read {c.read}, new {c.new}, "
        f"duplicate {c.duplicate}, skipped {c.skipped}, failed {c.failed}  ({state.db})"
    ]
    for key, value in sorted(c.extra.items()):
        lines.append(f"  {key}: {value}")
    for skip in state.skips[:10]:
        lines.append(f"  {'failed' if skip.failed else 'skipped'} {skip.source_uri}: {skip.reason}")
    if len(state.skips) > 10:
        lines.append(f"  … and {len(state.skips) - 10} more (select skips from runs where run_id = '{state.run_id}')")
    return "\n".join(lines)
