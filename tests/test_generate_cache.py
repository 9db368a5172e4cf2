"""The generate cache: it skips ruff and datamodel-code-generator for what did not change,
gives the same bytes as no cache, and never lets a stale or edited tree pass --check."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import specbind._generate._format
import specbind._generate._models
from _support import ROOT
from specbind._generate._cache import Cache
from specbind._generate._run import build_tree
from specbind._spec._config import load_config
from test_generate_cli import specbind as run_specbind


def _specbind(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    return run_specbind(*args, env={"SPECBIND_CACHE_DIR": str(cache)})


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


class _Counted:
    """Counts the calls of ruff and of datamodel-code-generator, then runs them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ruff = 0
        self.models = 0
        run_ruff, generate = (
            specbind._generate._format._run_ruff,
            specbind._generate._models._generate,
        )

        def counted_ruff(*args: object, **kwargs: object) -> None:
            self.ruff += 1
            run_ruff(*args, **kwargs)  # type: ignore[arg-type]

        def counted_generate(*args: object, **kwargs: object) -> str:
            self.models += 1
            return generate(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(specbind._generate._format, "_run_ruff", counted_ruff)
        monkeypatch.setattr(specbind._generate._models, "_generate", counted_generate)


def test_a_second_run_formats_nothing_and_gives_the_same_tree(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = _Counted(monkeypatch)
    uncached = build_tree(load_config(project))
    assert (counted.ruff, counted.models) == (2, 3)  # one run per ruff pass, one per spec

    cache = Cache(tmp_path / "cache")
    first = build_tree(load_config(project), cache)
    assert (counted.ruff, counted.models) == (4, 6)
    assert cache.hits == 0

    again = Cache(tmp_path / "cache")
    second = build_tree(load_config(project), again)
    assert (counted.ruff, counted.models) == (4, 6)  # neither ran again
    assert again.hits == len([path for path in second if path.endswith(".py")]) + 3
    assert uncached == first == second


def test_a_spec_change_misses_only_what_it_changes(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_tree(load_config(project), Cache(tmp_path / "cache"))
    spec = project / "specs" / "vectara.yaml"
    marker = "        - aborted\n"
    spec.write_text(spec.read_text().replace(marker, marker + "        - paused\n"), "utf-8")
    counted = _Counted(monkeypatch)
    tree = build_tree(load_config(project), Cache(tmp_path / "cache"))
    # The models of vectara are made again; its files (their headers hold the spec's
    # sha256) are formatted again, in one run per pass.
    assert (counted.ruff, counted.models) == (2, 1)
    assert 'PAUSED = "paused"' in tree["vectara/models.py"]
    assert tree == build_tree(load_config(project))


def test_damaged_entries_are_made_again(project: Path, tmp_path: Path) -> None:
    build_tree(load_config(project), Cache(tmp_path / "cache"))
    entries = [path for path in (tmp_path / "cache").rglob("*") if path.is_file()]
    assert entries
    for path in entries:
        raw = path.read_bytes()
        path.write_bytes(raw[: len(raw) // 2])  # truncated, as by a full disk
    assert build_tree(load_config(project), Cache(tmp_path / "cache")) == build_tree(
        load_config(project)
    )


def test_a_cache_that_cannot_be_written_only_costs_time(project: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    cache = Cache(blocked)
    assert build_tree(load_config(project), cache) == build_tree(load_config(project))
    assert (cache.hits, cache.stores) == (0, 0)


def test_with_and_without_the_cache_the_cli_writes_the_same_bytes(
    project: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    shutil.rmtree(project / "generated")
    done = _specbind("generate", "--no-cache", "--project", str(project), cache=cache)
    assert done.returncode == 0, done.stderr
    assert not cache.exists()
    uncached = _tree(project / "generated")
    assert uncached == _tree(ROOT / "generated")
    for _ in range(2):  # cold, then warm
        shutil.rmtree(project / "generated")
        done = _specbind("generate", "--project", str(project), cache=cache)
        assert done.returncode == 0, done.stderr
        assert _tree(project / "generated") == uncached


def test_a_warm_cache_never_hides_an_edited_generated_file(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _specbind("generate", "--check", "--project", str(project), cache=cache).returncode == 0
    models = project / "generated" / "prunner" / "models.py"
    models.write_text(models.read_text().replace("exit_code", "exitcode", 1), "utf-8")
    stale = _specbind("generate", "--check", "--project", str(project), cache=cache)
    assert stale.returncode == 1, stale.stderr
    assert "--- a/generated/prunner/models.py" in stale.stdout
    assert "+    exit_code" in stale.stdout
    (project / "generated" / "vectara" / "errors.py").unlink()
    missing = _specbind("generate", "--check", "--project", str(project), cache=cache)
    assert missing.returncode == 1
    assert "+++ b/generated/vectara/errors.py" in missing.stdout


def test_a_warm_cache_never_hides_a_spec_change(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _specbind("generate", "--check", "--project", str(project), cache=cache).returncode == 0
    spec = project / "specs" / "prunner.yaml"
    spec.write_text(spec.read_text().replace("description: Task name.", "description: Name."))
    stale = _specbind("generate", "--check", "--project", str(project), cache=cache)
    assert stale.returncode == 1, stale.stderr
    assert '+    """Name."""' in stale.stdout
