"""Spec files as users have them: which files are specs, and the package name of each."""

from __future__ import annotations

import keyword
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from specbind._spec._files import SpecFilesError, find_specs, package_name


@pytest.mark.parametrize(
    ("file_name", "package"),
    [
        ("prunner.yaml", "prunner"),
        ("train-travel.yaml", "train_travel"),
        ("openapi.v2.json", "openapi_v2"),
        ("API.YML", "api"),
        ("3dsecure.yml", "spec_3dsecure"),
        ("class.yaml", "class_"),
        ("Café.json", "cafe"),
        ("---.json", "spec"),
    ],
)
def test_a_file_name_maps_to_a_package_name(file_name: str, package: str) -> None:
    assert package_name(file_name) == package


@given(st.text(min_size=1, max_size=40))
def test_every_file_name_maps_to_a_lower_case_identifier(stem: str) -> None:
    name = package_name(f"{stem}.yaml")
    assert name.isidentifier()
    assert name.isascii()
    assert name == name.lower()
    assert not keyword.iskeyword(name)
    assert package_name(f"{name}.yaml") == name  # the rule is stable under itself


def test_yaml_yml_and_json_are_specs_and_nothing_else(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yml", "c.json", "notes.txt", "d.yaml.bak"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    (tmp_path / "e.yaml").mkdir()
    assert find_specs(tmp_path) == {
        "a": tmp_path / "a.yaml",
        "b": tmp_path / "b.yml",
        "c": tmp_path / "c.json",
    }


def test_two_files_with_one_package_name_are_refused_naming_both(tmp_path: Path) -> None:
    (tmp_path / "train-travel.yaml").write_text("{}", encoding="utf-8")
    (tmp_path / "train_travel.json").write_text("{}", encoding="utf-8")
    with pytest.raises(SpecFilesError) as caught:
        find_specs(tmp_path)
    assert "train-travel.yaml" in str(caught.value)
    assert "train_travel.json" in str(caught.value)
    assert "'train_travel'" in str(caught.value)
