"""The report as a pull-request comment: a heading, a table per severity, details folded."""

from __future__ import annotations

import html
import re

from ._change import SEVERITIES
from ._report import DiffReport, api_line, printable

__all__ = ["render_markdown"]


def render_markdown(report: DiffReport) -> str:
    """GitHub-flavoured Markdown, ready to paste into a pull request."""
    lines = [
        f"## specbind diff: {_code(report.old, table=False)} → {_code(report.new, table=False)}",
        "",
        f"**Summary:** {_cell(report.summary())}",
        "",
    ]
    if not report.changes:
        lines += ["No changes to the contract.", ""]
    for severity in SEVERITIES:
        changes = [change for change in report.changes if change.severity == severity]
        if not changes:
            continue
        lines += [
            f"### {severity.capitalize()} ({len(changes)})",
            "",
            "| Rule | Where | Change |",
            "| --- | --- | --- |",
        ]
        lines += [
            f"| {_code(c.rule)} | {_code(c.location)} | {_cell(c.message)} |" for c in changes
        ]
        lines.append("")
    if report.changes:
        lines += _details(
            "JSON pointers (OLD → NEW)",
            ["| Rule | OLD | NEW |", "| --- | --- | --- |"]
            + [
                f"| {_code(c.rule)} | {_code(c.old_pointer or '(absent)')} | "
                f"{_code(c.new_pointer or '(absent)')} |"
                for c in report.changes
            ],
        )
    if report.api is not None:
        lines += _api(report)
    if report.fixtures is not None and report.fixtures.flips:
        lines += _details(
            f"Captures whose verdict changes ({len(report.fixtures.flips)} of "
            f"{report.fixtures.captures})",
            ["| Capture | OLD | NEW |", "| --- | --- | --- |"]
            + [
                f"| {_code(f.input)} | {_cell(str(f.old))} | {_cell(str(f.new))} |"
                for f in report.fixtures.flips
            ],
        )
    return printable("\n".join(lines).rstrip("\n")) + "\n"


def _api(report: DiffReport) -> list[str]:
    api = report.api
    if api is None:
        return []
    if api.note:
        return [f"Python API effect: {_cell(api.note)}", ""]
    if not api.changes:
        return ["Python API effect: none.", ""]
    body = []
    for change in api.changes:
        if change.kind == "changed":
            # A diff block shows a changed name as the line it loses and the line it gains.
            body += [f"- {change.name}: {change.old}", f"+ {change.name}: {change.new}"]
        else:
            body.append(api_line(change))
    fence = _fence("\n".join(body))
    return _details(
        f"Python API effect ({len(api.changes)} name{'s' * (len(api.changes) != 1)})",
        [f"{fence}diff", *body, fence],
    )


def _details(summary: str, body: list[str]) -> list[str]:
    return [
        "<details>",
        f"<summary>{html.escape(summary)}</summary>",
        "",
        *body,
        "",
        "</details>",
        "",
    ]


def _cell(text: str) -> str:
    """Text safe in a table cell: one line, no pipes breaking the row, no raw HTML."""
    return html.escape(" ".join(text.split()), quote=False).replace("|", "\\|")


def _code(text: str, *, table: bool = True) -> str:
    """An inline code span that holds ``text`` whatever backticks it contains."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    if table:
        # In a table even a code span must escape the pipe that would end its cell.
        padded = padded.replace("|", "\\|")
    return f"{ticks}{padded}{ticks}"


def _fence(body: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)
