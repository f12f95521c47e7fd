"""What a run shows and writes: live progress, the summary table, failure details, JUnit XML and JSON.

Every text that leaves this module goes through `Target.mask_secrets` once more, even though the layers already
mask their excerpts: a report file is the last place a leaked key could escape from.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from contracts.results import CheckResult, Layer, Outcome
from contracts.runner import RunSummary

COLUMNS = (
    (Outcome.passed, "passed", "green"),
    (Outcome.failed, "failed", "red"),
    (Outcome.skipped, "skipped (n/a)", "dim"),
    (Outcome.expected_unsupported, "expected-unsupported", "yellow"),
    (Outcome.error, "error", "magenta"),
)
EXCERPT_LINES = 25


class LiveProgress:
    """A live line per layer (counts so far, what is being checked); failures are printed as they arrive."""

    def __init__(self, console: Console, layers: tuple[Layer, ...], mask: Any = None) -> None:
        self.console = console
        self.layers = layers
        self.mask = mask or (lambda text: text)
        self.counts: dict[Layer, Counter[Outcome]] = {layer: Counter() for layer in layers}
        self.cases = 0
        self.current = ""
        self._live = Live(self._render(), console=console, transient=True, refresh_per_second=8)

    def __enter__(self) -> LiveProgress:
        self._live.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._live.__exit__(exc_type, exc, tb)

    def _render(self) -> Table:
        table = Table.grid(padding=(0, 2))
        for layer in self.layers:
            counts = self.counts[layer]
            parts = [f"[{style}]{counts[o]} {label}[/]" for o, label, style in COLUMNS if counts[o]]
            extra = f" · {self.cases} cases" if layer is Layer.schema and self.cases else ""
            table.add_row(f"[bold]{layer.value}[/]", (", ".join(parts) or "…") + extra)
        if self.current:
            table.add_row("[dim]now[/]", Text(self.mask(self.current), style="dim"))
        return table

    def on_result(self, result: CheckResult) -> None:
        self.counts.setdefault(result.layer, Counter())[result.outcome] += 1
        if result.is_failure:
            mark = "✗" if result.outcome is Outcome.failed else "!"
            self.console.print(Text(self.mask(f"{mark} {result.id}: {result.message.splitlines()[0][:160]}"
                                              if result.message else f"{mark} {result.id}"), style="red"))
        self._live.update(self._render())

    def on_progress(self, layer: Layer, done: int, label: str) -> None:
        if layer is Layer.schema:
            self.cases = done
        self.current = f"{layer.value}: {label}" if label else layer.value
        self._live.update(self._render())


def summary_table(summary: RunSummary) -> Table:
    table = Table(title="responses-contracts", title_justify="left")
    table.add_column("layer", style="bold")
    for _, label, style in COLUMNS:
        table.add_column(label, justify="right", style=style)
    totals: Counter[Outcome] = Counter()
    for layer, counts in summary.counts().items():
        totals.update(counts)
        table.add_row(layer.value, *(str(counts[o]) for o, _, _ in COLUMNS))
    table.add_row("total", *(str(totals[o]) for o, _, _ in COLUMNS), style="bold")
    return table


def _clip(text: str, lines: int = EXCERPT_LINES) -> str:
    rows = text.splitlines()
    return "\n".join(rows[:lines] + ([f"… ({len(rows) - lines} more lines)"] if len(rows) > lines else []))


def failure_panel(result: CheckResult, mask: Any) -> Panel:
    parts: list[Any] = [
        Text(mask(result.title), style="bold"),
        Text(mask(result.message)),
        Text(f"rule: {result.doc_rule}", style="cyan"),
    ]
    if result.request:
        parts += [Text("request:", style="bold"), Text(mask(_clip(result.request)), style="dim")]
    if result.response:
        parts += [Text("response:", style="bold"), Text(mask(_clip(result.response)), style="dim")]
    style = "red" if result.outcome is Outcome.failed else "magenta"
    return Panel(Group(*parts), title=f"{result.outcome.value}: {result.id}", title_align="left", border_style=style)


def print_summary(console: Console, summary: RunSummary) -> None:
    mask = summary.target.mask_secrets
    for result in summary.failures:
        console.print(failure_panel(result, mask))
    console.print(summary_table(summary))
    if summary.connection_error:
        console.print(Text(mask(f"preflight: {summary.connection_error}"), style="bold magenta"))
    status = {0: "[green]all checks passed[/]", 1: "[red]some checks failed[/]", 2: "[magenta]stopped before the checks (exit 2)[/]"}
    console.print(
        f"{status[summary.exit_code]} · {len(summary.results)} checks · {summary.cases} schema cases · "
        f"{summary.duration_s:.1f} s · {mask(summary.target.root)} ({summary.target.profile}, "
        f"snapshot {summary.target.snapshot})"
    )


def write_junit(summary: RunSummary, path: str | Path) -> None:
    """JUnit XML: one <testsuite> per layer, one <testcase> per check."""
    mask = summary.target.mask_secrets
    root = ET.Element("testsuites", name="responses-contracts", time=f"{summary.duration_s:.3f}")
    for layer in summary.layers:
        results = [r for r in summary.results if r.layer is layer]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"contracts.{layer.value}",
            tests=str(len(results)),
            failures=str(sum(r.outcome is Outcome.failed for r in results)),
            errors=str(sum(r.outcome is Outcome.error for r in results)),
            skipped=str(sum(r.outcome in (Outcome.skipped, Outcome.expected_unsupported) for r in results)),
        )
        for result in results:
            case = ET.SubElement(
                suite, "testcase", classname=f"contracts.{layer.value}", name=mask(result.id),
                time=f"{result.duration_s:.3f}",
            )
            detail = mask(
                f"{result.message}\n\nrule: {result.doc_rule}\n\nrequest:\n{result.request}\n\nresponse:\n"
                f"{result.response}"
            )
            if result.outcome is Outcome.failed:
                ET.SubElement(case, "failure", message=mask(result.message[:500])).text = detail
            elif result.outcome is Outcome.error:
                ET.SubElement(case, "error", message=mask(result.message[:500])).text = detail
            elif result.outcome is Outcome.skipped:
                ET.SubElement(case, "skipped", message=mask(result.message[:500] or "not applicable"))
            elif result.outcome is Outcome.expected_unsupported:
                ET.SubElement(case, "skipped", type="expected_unsupported",
                              message=mask(result.message[:500] or "unsupported in this doc snapshot"))
    ET.indent(root)
    Path(path).write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def to_json(summary: RunSummary) -> dict[str, Any]:
    target = summary.target
    return {
        "target": {
            "base_url": target.mask_secrets(target.root),
            "deployment": target.deployment,
            "auth": target.auth,
            "image_deployment": target.image_deployment,
            "region": target.region,
            "profile": target.profile,
            "snapshot": target.snapshot,
            "spec_path": target.spec_path,
        },
        "exit_code": summary.exit_code,
        "duration_s": round(summary.duration_s, 3),
        "schema_cases": summary.cases,
        "connection_error": summary.connection_error,
        "summary": {
            layer.value: {o.value: counts[o] for o in Outcome} for layer, counts in summary.counts().items()
        },
        "results": [result.model_dump(mode="json") for result in summary.results],
    }


def write_json(summary: RunSummary, path: str | Path) -> None:
    text = json.dumps(to_json(summary), indent=2, ensure_ascii=False, default=str)
    Path(path).write_text(summary.target.mask_secrets(text) + "\n", encoding="utf-8")
