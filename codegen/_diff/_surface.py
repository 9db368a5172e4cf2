"""The public Python API of one generated package, read from its source with ``ast``."""

from __future__ import annotations

import ast
from collections.abc import Mapping

__all__ = ["Surface", "public_surface"]

#: Public name (``models.Job.id``, ``Client.get_job(job_id)``) → what it is (``str | Unset``).
Surface = dict[str, str]


def public_surface(package: str, files: Mapping[str, str]) -> Surface:
    """The names a caller of ``package`` uses, from its ``models``, ``client`` and ``errors``.

    ``files`` maps paths such as ``<package>/models.py`` to source. Models give their
    classes, attributes with annotations, enum members with values and type aliases; the
    client its public constants and the methods of ``Client`` with every parameter; errors
    its exception classes.
    """
    surface: Surface = {}
    for module in ("models", "client", "errors"):
        source = files.get(f"{package}/{module}.py")
        if source is not None:
            tree = ast.parse(source, filename=f"{package}/{module}.py")
            surface.update(_module(module, tree))
    return surface


def _public(name: str) -> bool:
    return not name.startswith("_")


def _module(module: str, tree: ast.Module) -> Surface:
    found: Surface = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and _public(node.name):
            # The client class is imported as ``Client``; the others by their module.
            prefix = node.name if module == "client" else f"{module}.{node.name}"
            bases = ", ".join(ast.unparse(base) for base in node.bases)
            found[prefix] = f"class({bases})" if bases else "class"
            found.update(_class_body(prefix, node))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            found.update(_assignment(module, node))
    return found


def _assignment(prefix: str, node: ast.Assign | ast.AnnAssign) -> Surface:
    """A module-level public name: a type alias or a constant, shown with its value."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names = [t.id for t in targets if isinstance(t, ast.Name) and _public(t.id)]
    if not names or node.value is None or names == ["__all__"]:
        return {}
    annotation = f"{ast.unparse(node.annotation)} " if isinstance(node, ast.AnnAssign) else ""
    return {f"{prefix}.{name}": f"{annotation}= {ast.unparse(node.value)}" for name in names}


def _class_body(prefix: str, node: ast.ClassDef) -> Surface:
    found: Surface = {}
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            if _public(item.target.id):
                found[f"{prefix}.{item.target.id}"] = ast.unparse(item.annotation)
        elif isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name) and _public(target.id):
                    found[f"{prefix}.{target.id}"] = f"= {ast.unparse(item.value)}"
        elif isinstance(item, ast.FunctionDef) and (_public(item.name) or item.name == "__init__"):
            found.update(_method(f"{prefix}.{item.name}", item))
    return found


def _method(name: str, node: ast.FunctionDef) -> Surface:
    """A method and each of its parameters: annotation, default, how it is passed."""
    returns = ast.unparse(node.returns) if node.returns is not None else "None"
    found = {f"{name}()": f"-> {returns}"}
    arguments = node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    defaults += arguments.defaults
    passed = [
        (argument, default, "positional")
        for argument, default in zip(positional, defaults, strict=True)
    ]
    passed += [
        (argument, default, "keyword-only")
        for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    ]
    for argument, default, kind in passed:
        if argument.arg == "self":
            continue
        shown = ast.unparse(argument.annotation) if argument.annotation is not None else "Any"
        if default is not None:
            shown += f" = {ast.unparse(default)}"
        found[f"{name}({argument.arg})"] = f"{shown}, {kind}"
    return found
