"""The package is typed: _hpocr.pyi matches the native module, py.typed ships beside it, and mypy passes over
python/hpocr (pyproject.toml's [tool.mypy]; mypy pinned in python/requirements-dev.txt, wheels cached by
scripts/python_tools.py so that only the first run needs PyPI)."""

import ast
import pathlib
import subprocess
import tomllib

import pytest

from conftest import REPO, import_hpocr, python_tools

hpocr = import_hpocr()
PACKAGE = REPO / "python" / "hpocr"


def _stub_names() -> dict:
    """Top-level names of _hpocr.pyi; for classes the set of their member names, else None."""
    names: dict = {}
    for node in ast.parse((PACKAGE / "_hpocr.pyi").read_text()).body:
        if isinstance(node, ast.ClassDef):
            names[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
        elif isinstance(node, ast.FunctionDef):
            names[node.name] = None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = None
    return names


def _public(name: str) -> bool:
    return not (name.startswith("__") and name.endswith("__")) or name == "__version__"


def test_stub_matches_native_module():
    native = hpocr._hpocr
    stub = {name: members for name, members in _stub_names().items() if _public(name)}
    runtime = {}
    for name, value in vars(native).items():
        if not _public(name):
            continue
        runtime[name] = {m for m in vars(value) if _public(m)} if isinstance(value, type) else None
    stub_members = {name: {m for m in members if _public(m)} if members is not None else None
                    for name, members in stub.items()}
    assert stub_members == runtime, "python/hpocr/_hpocr.pyi is stale: run scripts/python_tools.py stubs"


def test_py_typed_ships_with_the_module():
    assert (PACKAGE / "py.typed").is_file()
    built = pathlib.Path(hpocr._hpocr.__file__).parent  # the build tree's (or an installed) package
    assert (built / "py.typed").is_file() and (built / "_hpocr.pyi").is_file()


def test_scikit_build_core_pins_agree():
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["build-system"]["requires"]
    assert python_tools.pinned("scikit-build-core") in requires


def test_mypy():
    try:
        python = python_tools.tools_venv()
    except python_tools.Unavailable as err:
        pytest.skip(str(err))
    run = subprocess.run([python, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
