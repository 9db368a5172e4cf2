"""The cache of spec reads (``_spec/_read_cache``): a hit is the fresh read, a bad entry a miss."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from specbind._generate._cache import Cache
from specbind._spec._load import LoadedSpec, LoadError, load_spec

ROOT = Path(__file__).parent.parent
SPECS = [
    ROOT / "specs" / "prunner.yaml",
    ROOT / "specs" / "veryfront.yaml",
    ROOT / "tests" / "corpus" / "api-with-examples-v2.yaml",
]


def _same(one: LoadedSpec, other: LoadedSpec) -> None:
    # Type for type: True is not 1, 1.0 is not 1, a tuple is not a list.
    assert repr(one.data) == repr(other.data)
    assert one.data == other.data
    assert one.written == other.written
    assert repr(one.written) == repr(other.written)
    assert one.positions == other.positions
    assert all(type(found) is tuple for found in other.positions.values())
    assert (one.sha256, one.source_version, one.load_warnings) == (
        other.sha256,
        other.source_version,
        other.load_warnings,
    )
    assert one.locate("/paths") == other.locate("/paths")


def _entries(cache: Cache) -> list[Path]:
    return [path for path in cache.directory.rglob("*") if path.is_file()]


@pytest.mark.parametrize("path", SPECS, ids=lambda path: path.name)
def test_a_hit_is_the_fresh_read(path: Path, tmp_path: Path) -> None:
    fresh = load_spec(path)
    cache = Cache(tmp_path)
    first = load_spec(path, cache=cache)
    assert (cache.hits, cache.stores) == (0, 1)
    second = load_spec(path, cache=cache)
    assert (cache.hits, cache.stores) == (1, 1)
    _same(fresh, first)
    _same(fresh, second)


def test_values_keep_their_types(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "x-values: [1, 1.0, -0.0, 1e300, 0.1, true, null, '1', 9223372036854775807,"
        " -9223372036854775808, 2001-01-01, 'é\\u2028']\n"
    )
    cache = Cache(tmp_path / "cache")
    fresh = load_spec(spec)
    load_spec(spec, cache=cache)
    hit = load_spec(spec, cache=cache)
    assert cache.hits == 1
    _same(fresh, hit)
    assert fresh.load_warnings  # the YAML 1.1 timestamp is warned about, from the cache too


def test_what_json_cannot_carry_is_not_stored(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-big: 18446744073709551616\n"
    )
    cache = Cache(tmp_path / "cache")
    first = load_spec(spec, cache=cache)
    second = load_spec(spec, cache=cache)
    assert (cache.hits, cache.stores) == (0, 0)
    assert first.data["x-big"] == second.data["x-big"] == 2**64


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: raw.replace(b"openapi", b"OPENAPI", 1),
        lambda raw: b"",
    ],
    ids=["truncated", "altered", "empty"],
)
def test_a_damaged_entry_is_a_miss(damage: Any, tmp_path: Path) -> None:
    path = SPECS[0]
    cache = Cache(tmp_path)
    load_spec(path, cache=cache)
    (entry,) = _entries(cache)
    entry.write_bytes(damage(entry.read_bytes()))
    again = load_spec(path, cache=cache)
    assert cache.hits == 0
    _same(load_spec(path), again)


@pytest.mark.parametrize(
    "body",
    [{"document": {}}, {"document": {}, "positions": [], "warned": []}, [1, 2], "text"],
    ids=["no-positions", "positions-a-list", "a-list", "a-string"],
)
def test_an_entry_of_another_shape_is_a_miss(body: Any, tmp_path: Path) -> None:
    path = SPECS[0]
    cache = Cache(tmp_path)
    load_spec(path, cache=cache)
    (entry,) = _entries(cache)
    key = entry.name
    cache.put(key, json.dumps(body))
    again = load_spec(path, cache=cache)
    _same(load_spec(path), again)


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    cache = Cache(blocker)
    _same(load_spec(SPECS[0]), load_spec(SPECS[0], cache=cache))
    assert (cache.hits, cache.stores) == (0, 0)


def test_refusals_are_not_cached(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.1.0\na: &x 1\nb: *x\n")
    cache = Cache(tmp_path / "cache")
    for _ in range(2):
        with pytest.raises(LoadError, match="alias"):
            load_spec(spec, cache=cache)
    assert (cache.hits, cache.stores) == (0, 0)
