"""The type stub of the native module lists exactly what the module exports."""

import ast
import pathlib

import cx._cx as native

STUB = pathlib.Path(cx_path := native.__file__).with_name("_cx.pyi")


def _stub_names():
    tree = ast.parse(STUB.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_stub_matches_module():
    exported = {n for n in dir(native) if not n.startswith("__") or n == "__version__"}
    exported.discard("__builtins__")
    assert _stub_names() == exported


def test_stub_methods_of_distribution():
    tree = ast.parse(STUB.read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "_Distribution")
    stub_methods = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)} - {"__init__"}
    actual = {n for n in dir(native._Distribution) if not n.startswith("_")}
    assert stub_methods == actual
