"""``specbind generate``: load, lint, compile, format and write (or compare) generated/."""

from __future__ import annotations

import difflib
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from codegen._compile import compile_project
from codegen._format import FormatError
from codegen._ir import CompileError
from codegen._lint import lint_spec
from codegen._load import LoadedSpec, LoadError, load_spec
from codegen._pins import PinError, tool_versions

__all__ = ["build_tree", "run_generate"]

_OUTPUT = "generated"


def _say(message: str) -> None:
    print(f"specbind generate: {message}", file=sys.stderr, flush=True)


def build_tree(project: Path) -> dict[str, str]:
    """Compile every spec under ``project/specs`` into {relative path: file content}.

    Raises :class:`LoadError`, :class:`CompileError` or :class:`PinError`; lint
    problems raise :class:`CompileError` listing them.
    """
    versions = tool_versions()
    paths = sorted((project / "specs").glob("*.yaml"))
    if not paths:
        raise CompileError(
            f"specbind generate: {(project / 'specs').absolute()} holds no *.yaml spec; run it "
            "in the project directory (the one holding specs/ and generated/) or pass --project"
        )
    specs: list[LoadedSpec] = []
    for path in paths:
        spec = load_spec(path)
        problems = lint_spec(spec)
        if problems:
            listed = "\n".join(str(problem) for problem in problems)
            raise CompileError(
                f"{listed}\nspecbind lint found {len(problems)} problem(s); fix them first"
            )
        specs.append(spec)
    tree: dict[str, str] = {}
    for relative, content in compile_project(specs, versions, progress=_say).items():
        if relative.endswith(".py"):
            _verify_python(relative, content)
        tree[f"{_OUTPUT}/{relative}"] = content
    return tree


def _verify_python(relative: str, content: str) -> None:
    # The last line of defence against a template or spec string that broke out
    # of its literal, or names that clash: whatever we write must compile, which
    # also catches what ast.parse lets through (a duplicate argument, say).
    try:
        compile(content, relative, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise CompileError(
            f"{_OUTPUT}/{relative}:{exc.lineno}: compile: generated code does not compile "
            f"({exc.msg}); this is a specbind bug"
        ) from None


def _read_tree(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root.parent).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _write_tree(project: Path, tree: Mapping[str, str]) -> None:
    output = project / _OUTPUT
    staging = Path(tempfile.mkdtemp(prefix=".generated-", dir=project))
    try:
        for relative, content in tree.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8", newline="\n")
        # Swap the whole directory so a failed run never leaves half an output.
        if output.exists():
            shutil.rmtree(output)
        (staging / _OUTPUT).rename(output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _diff(current: Mapping[str, str], wanted: Mapping[str, str]) -> list[str]:
    lines: list[str] = []
    for relative in sorted(set(current) | set(wanted)):
        old, new = current.get(relative), wanted.get(relative)
        if old == new:
            continue
        lines.extend(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                fromfile=f"a/{relative}" if old is not None else "/dev/null",
                tofile=f"b/{relative}" if new is not None else "/dev/null",
            )
        )
    return lines


def run_generate(project: Path, *, check: bool) -> int:
    """Regenerate generated/ (or, with ``check``, compare it); return the exit status."""
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="specbind-") as scratch:
            tree = build_tree(project)
            # Written out and read back, so that what we compare is exactly what
            # a file system round trip gives.
            _write_tree(Path(scratch), tree)
            wanted = _read_tree(Path(scratch) / _OUTPUT)
    except (LoadError, CompileError, PinError, FormatError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:  # a generator bug still gets one clear line, not a traceback
        print(
            f"specbind generate: internal error ({type(exc).__name__}: {exc}); "
            "this is a specbind bug, please report it with the spec that caused it",
            file=sys.stderr,
        )
        return 2
    current = _read_tree(project / _OUTPUT)
    if check:
        diff = _diff(current, wanted)
        if diff:
            sys.stdout.writelines(diff)
            changed = sum(1 for line in diff if line.startswith("+++ "))
            _say(f"{_OUTPUT}/ is stale: {changed} file(s) differ; run `nox -s generate`")
            return 1
        _say(f"{_OUTPUT}/ is up to date ({len(wanted)} files, {time.monotonic() - started:.1f} s)")
        return 0
    if current == wanted:
        _say(f"{_OUTPUT}/ already up to date ({len(wanted)} files)")
        return 0
    _write_tree(project, wanted)
    _say(f"wrote {len(wanted)} files to {_OUTPUT}/ ({time.monotonic() - started:.1f} s)")
    return 0
