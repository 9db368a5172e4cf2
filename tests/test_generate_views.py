"""generate builds the compile views in a child process: the process that renders the
models never imports lint (nor the bindings' HTTP layer), and what goes wrong in the
child is raised in the parent as it was raised there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from specbind._generate._ir import CompileError
from specbind._generate._run import build_tree
from specbind._lint import lint_spec
from specbind._spec._config import load_config
from specbind._spec._load import LoadError
from test_generate_cli import specbind

#: Runs the command line, then prints which of these modules the process imported.
_WATCHED = ("specbind._lint", "openapi_spec_validator", "jsonschema", "urllib3", "ssl")
_START = (
    "import atexit, json, sys; sys.path.pop(0); "
    f"atexit.register(lambda: print(json.dumps([m for m in {_WATCHED!r} if m in sys.modules]))); "
    "from specbind._cli import main; sys.exit(main())"
)


def test_the_process_rendering_the_models_never_imports_lint(project: Path) -> None:
    done = specbind("generate", "--check", "--no-cache", "--project", str(project), start=_START)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('openapi: 3.0.0\ninfo: {title: x, version: "1"\n', LoadError),
        (
            'openapi: 3.0.0\ninfo: {title: x, version: "1"}\npaths:\n  /a/{id}:\n    get:\n'
            '      responses: {"200": {description: ok}}\n',
            CompileError,
        ),
    ],
    ids=["load", "lint"],
)
def test_an_error_in_the_child_is_raised_as_in_one_process(
    project: Path, text: str, error: type[Exception]
) -> None:
    (project / "specs" / "broken.yaml").write_text(text, encoding="utf-8")
    config = load_config(project)
    with pytest.raises(error) as here:
        build_tree(config, gate=lint_spec)
    with pytest.raises(error) as apart:
        build_tree(config, gate=lint_spec, apart=True)
    assert str(apart.value) == str(here.value)
    assert "broken.yaml" in str(apart.value)


def test_a_package_named_specbind_in_the_working_directory_is_not_the_child(
    project: Path, tmp_path: Path
) -> None:
    shadow = tmp_path / "work" / "specbind"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise SystemExit("the wrong specbind")\n')
    done = specbind(
        "generate", "--check", "--no-cache", "--project", str(project),
        cwd=shadow.parent, start=_START,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
