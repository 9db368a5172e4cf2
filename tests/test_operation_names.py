"""Method names for operations without an operationId, and waiter methods that collide."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from specbind import load_spec
from specbind._generate._ir import build_api
from specbind._generate._names import (
    CLIENT_NAMES,
    derived_method_name,
    method_names_of,
    operation_method_names,
    waiter_clashes,
)


def test_derived_names_read_as_the_method_and_path() -> None:
    assert derived_method_name("GET", "/jobs/{jobId}/logs") == "get_jobs_by_job_id_logs"
    assert derived_method_name("post", "/v1.2/jobs") == "post_v1_2_jobs"
    assert derived_method_name("delete", "/") == "delete"


def test_derived_names_give_way_to_operation_ids_and_each_other() -> None:
    names = operation_method_names(
        [
            (None, "get", "/jobs"),
            ("getJobs", "put", "/x"),
            (None, "get", "/jobs/"),
            (None, "get", "/jobs_with_response"),
        ]
    )
    assert names == ["get_jobs_", "get_jobs", "get_jobs__", "get_jobs_with_response_"]


PATHS = st.lists(
    st.text(st.sampled_from("ab{}/_-.ü"), max_size=8).map(lambda text: "/" + text),
    min_size=1,
    max_size=6,
    unique=True,
)


@given(paths=PATHS, ids=st.lists(st.sampled_from(["getA", "close", "post_a", "get"]), unique=True))
def test_every_operation_gets_a_distinct_usable_method(paths: list[str], ids: list[str]) -> None:
    derived: list[tuple[str | None, str, str]] = [
        (None, method, path) for path in paths for method in ("get", "post")
    ]
    operations = [(operation_id, "put", "/x") for operation_id in ids] + derived
    names = operation_method_names(operations)
    defined = [method for name in names for method in method_names_of(name)]
    assert len(defined) == len(set(defined))
    assert all(name.isidentifier() and name not in CLIENT_NAMES for name in names)
    assert names == operation_method_names(operations)  # stable


def test_a_waiter_method_that_an_operation_defines_is_found() -> None:
    assert waiter_clashes(["wait_for_thing", "get_thing"], ["thing", "other"]) == [
        (0, "wait_for_thing")
    ]
    assert waiter_clashes(["iter_job", "wait_for_jobs_"], ["jobs"]) == []
    assert waiter_clashes(["iter_jobs"], ["jobs"]) == [(0, "iter_jobs")]


def test_the_compile_stage_names_operations_without_an_operation_id(tmp_path: Path) -> None:
    ok: dict[str, Any] = {"204": {"description": "done"}}
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/jobs/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True}],
                "get": {"responses": ok},
                "delete": {"operationId": "getJobsById", "responses": ok},
            },
            "/jobs": {"post": {"responses": ok}},
        },
    }
    path = tmp_path / "api.yaml"
    path.write_text(json.dumps(spec), "utf-8")
    api = build_api(load_spec(path))
    named = {(op.http_method, op.path): op.method_name for op in api.operations}
    assert named == {
        ("GET", "/jobs/{id}"): "get_jobs_by_id_",
        ("DELETE", "/jobs/{id}"): "get_jobs_by_id",
        ("POST", "/jobs"): "post_jobs",
    }
    assert all(op.returns == "None" for op in api.operations)
