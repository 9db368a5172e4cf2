"""Reports: text for people, one JSON document, or JUnit XML for CI; and their summary."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import IO, Any, Protocol, TextIO
from xml.etree import ElementTree as ET

from ._drift import Drift
from ._finding import CleanLines, Finding, Result
from ._redact import one_line

__all__ = ["FORMATS", "Report", "RunInfo", "Summary", "make_report"]

FORMATS = ("text", "json", "junit")

#: What XML 1.0 cannot carry; compiled on first use (junit only): it takes milliseconds.
_NOT_XML = "[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "skipped": "\x1b[2m", "bold": "\x1b[1m"}
_RESET = "\x1b[0m"


@dataclass(frozen=True)
class RunInfo:
    """What every report states besides the results: the spec, mode, and notes."""

    spec_name: str
    spec_path: str
    spec_sha256: str
    strict: bool
    notes: tuple[str, ...]


@dataclass
class Summary:
    """Counts over all results; ``skipped`` is by reason."""

    checked: int = 0
    valid: int = 0
    invalid: int = 0
    warnings: int = 0
    unreadable: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, result: Result) -> None:
        """Count one result."""
        if not (result.findings or result.skipped or result.unreadable):
            self.checked += 1  # most are clean: counted without looking further
            self.valid += 1
            return
        outcome = result.outcome
        if outcome == "skipped":
            self.skipped[result.skipped] += 1
        elif outcome == "unreadable":
            self.unreadable += 1
        else:
            self.checked += 1
            self.valid += outcome == "valid"
            self.invalid += outcome == "invalid"
        self.warnings += sum(f.severity == "warning" for f in result.findings)

    def add_clean(self, count: int) -> None:
        """Count ``count`` payloads with nothing found."""
        self.checked += count
        self.valid += count

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        data = asdict(self)
        data["skipped"] = dict(sorted(self.skipped.items()))
        return data

    def text(self) -> str:
        """One line: checked, valid, invalid, warnings, skipped by reason, unreadable."""
        parts = [
            f"checked {self.checked}: {self.valid} valid, {self.invalid} invalid",
            f"{self.warnings} warning{'s' * (self.warnings != 1)}",
        ]
        skipped = sum(self.skipped.values())
        if skipped:
            reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(self.skipped.items()))
            parts.append(f"skipped {skipped} ({reasons})")
        if self.unreadable:
            parts.append(f"{self.unreadable} unreadable")
        return "; ".join(parts)


class Report(Protocol):
    """Receives results in order, then the summary."""

    def add(self, result: Result) -> None:
        """Take one result."""

    def add_clean(self, lines: CleanLines) -> None:
        """Take the results of lines with nothing found."""

    def finish(self, summary: Summary, drift: Drift) -> None:
        """Write what is left: the summary, the drift, or the whole document."""


def make_report(kind: str, out: TextIO, info: RunInfo, colour: bool) -> Report:
    """The report for ``--format``."""
    if kind == "json":
        return _JsonReport(out, info)
    if kind == "junit":
        return _JunitReport(out, info)
    return _TextReport(out, info, colour)


def finding_line(finding: Finding) -> str:
    """One line for people: input, severity, where, rule, message, expected and found."""
    where = " ".join(p for p in (finding.operation, finding.status) if p)
    pointer = finding.pointer or "(root)"
    details = []
    if finding.expected:
        details.append(f"expected {finding.expected}")
    if finding.found:
        details.append(f"found {finding.found}")
    if len(finding.layers) > 1:
        details.append(f"seen by the {' and '.join(finding.layers)} layers")
    tail = f" ({'; '.join(details)})" if details else ""
    location = f"{where} {pointer}" if where else pointer
    # One line, whatever the input put in a label or a value: no line can be forged.
    return one_line(
        f"{finding.input}: {finding.severity}: {location}: {finding.rule}: {finding.message}{tail}"
    )


def _printable(text: str) -> str:
    """Escape controls, line breaks and lone surrogates: a report line cannot drive a
    terminal, nor be split into two."""
    return one_line(text).encode("utf-8", "backslashreplace").decode("utf-8")


def _spool() -> IO[str]:
    """A temporary file for the parts of a report that must follow its summary."""
    return tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass")


class _TextReport:
    def __init__(self, out: TextIO, info: RunInfo, colour: bool) -> None:
        self.out = out
        self.info = info
        self.colour = colour

    def paint(self, text: str, style: str) -> str:
        return f"{_COLOURS[style]}{text}{_RESET}" if self.colour else text

    def add_clean(self, lines: CleanLines) -> None:
        """Lines with nothing found print nothing: the summary counts them."""

    def add(self, result: Result) -> None:
        if result.skipped:
            line = f"{result.input}: skipped: {result.skipped}: {result.detail}"
            self.out.write(self.paint(_printable(line), "skipped") + "\n")
        for finding in result.findings:
            self.out.write(self.paint(_printable(finding_line(finding)), finding.severity) + "\n")

    def finish(self, summary: Summary, drift: Drift) -> None:
        style = "error" if summary.invalid or summary.unreadable else "bold"
        self.out.write(self.paint(summary.text(), style) + "\n")
        for note in self.info.notes:
            self.out.write(f"note: {_printable(note)}\n")
        lines = drift.lines()
        if lines:
            self.out.write("drift (what the traffic shows that the spec lacks):\n")
            self.out.write("".join(_printable(line) + "\n" for line in lines))


class _JsonReport:
    """One JSON document. The results come last but are known first: each is written to
    a spool as it comes, and the spool is copied out after the summary and drift."""

    def __init__(self, out: TextIO, info: RunInfo) -> None:
        self.out = out
        self.info = info
        self.results = _spool()
        self.count = 0

    def add_clean(self, lines: CleanLines) -> None:
        for result in lines.results():
            self.add(result)

    def add(self, result: Result) -> None:
        data = result.to_json()
        # As json.dump(indent=2) would write it two levels down; ASCII output, so lone
        # surrogates from bad input survive as escapes, and no string holds a line break.
        text = json.dumps(data, indent=2).replace("\n", "\n    ")
        self.results.write(("[\n    " if self.count == 0 else ",\n    ") + text)
        self.count += 1

    def finish(self, summary: Summary, drift: Drift) -> None:
        document = {
            "spec": {
                "name": self.info.spec_name,
                "path": self.info.spec_path,
                "sha256": self.info.spec_sha256,
            },
            "strict": self.info.strict,
            "notes": list(self.info.notes),
            "summary": summary.as_dict(),
            "drift": drift.as_dict(),
        }
        head = json.dumps(document, indent=2).removesuffix("\n}")
        self.out.write(head + ',\n  "results": ')
        with self.results:
            if self.count:
                self.results.seek(0)
                shutil.copyfileobj(self.results, self.out)
                self.out.write("\n  ]")
            else:
                self.out.write("[]")
        self.out.write("\n}\n")


class _JunitReport:
    """JUnit XML. The suite's counts and properties come before its test cases: each
    case is written to a spool as it comes, and copied out after them."""

    def __init__(self, out: TextIO, info: RunInfo) -> None:
        self.out = out
        self.info = info
        self.cases = _spool()

    def add_clean(self, lines: CleanLines) -> None:
        for result in lines.results():
            self.add(result)

    def add(self, result: Result) -> None:
        case = ET.Element(
            "testcase",
            name=_xml(result.input),
            classname=_xml(f"{self.info.spec_name}.{result.operation or 'unmatched'}"),
        )
        errors = [f for f in result.findings if f.severity == "error"]
        warnings = [f for f in result.findings if f.severity == "warning"]
        if result.unreadable:
            ET.SubElement(case, "error", message=_xml(f"cannot read: {result.unreadable}"))
        elif result.skipped:
            ET.SubElement(case, "skipped", message=_xml(f"{result.skipped}: {result.detail}"))
        elif errors:
            failure = ET.SubElement(case, "failure", message=_xml(finding_line(errors[0])))
            failure.text = _xml("\n".join(finding_line(f) for f in errors))
        if warnings:
            ET.SubElement(case, "system-out").text = _xml(
                "\n".join(finding_line(f) for f in warnings)
            )
        # Indented as in the whole document: testsuites > testsuite > testcase.
        ET.indent(case, level=2)
        self.cases.write(f"    {ET.tostring(case, encoding='unicode')}\n")

    def finish(self, summary: Summary, drift: Drift) -> None:
        suite = ET.Element("testsuite", name=f"specbind validate {self.info.spec_name}")
        suite.set(
            "tests", str(summary.checked + sum(summary.skipped.values()) + summary.unreadable)
        )
        suite.set("failures", str(summary.invalid))
        suite.set("errors", str(summary.unreadable))
        suite.set("skipped", str(sum(summary.skipped.values())))
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("spec", self.info.spec_path),
            ("spec_sha256", self.info.spec_sha256),
            ("strict", str(self.info.strict).lower()),
            *(("note", note) for note in self.info.notes),
            ("summary", summary.text()),
        ):
            ET.SubElement(properties, "property", name=name, value=_xml(value))
        lines = drift.lines()
        if lines:
            ET.SubElement(suite, "system-out").text = _xml("\n".join(lines))
        root = ET.Element("testsuites")
        root.append(suite)
        ET.indent(root)
        skeleton = ET.tostring(root, encoding="unicode", xml_declaration=True)
        # The cases go right after the properties; attribute values escape "<", so the
        # first closing tag is the one.
        end = skeleton.index("</properties>\n") + len("</properties>\n")
        self.out.write(skeleton[:end])
        with self.cases:
            self.cases.seek(0)
            shutil.copyfileobj(self.cases, self.out)
        self.out.write(skeleton[end:] + "\n")


def _xml(text: str) -> str:
    """Text XML 1.0 can carry: control characters and lone surrogates escaped."""
    return re.sub(_NOT_XML, lambda m: f"\\x{ord(m.group()):02x}", text)
