#!/usr/bin/python3
"""Python tools from PyPI for packaging and type checks, pinned in python/requirements-dev.txt.

Wheels are cached in $HPOCR_HOME/downloads/pip: the first use downloads them from PyPI, later uses install from
the cache with ``--no-index`` (offline). The tools live in build/tools-venv (Debian's /usr/bin/python3, with the
system site-packages, so that mypy sees the apt NumPy and Dask).

    scripts/python_tools.py mypy [args]   # mypy over python/hpocr (settings: pyproject.toml [tool.mypy])
    scripts/python_tools.py stubs         # regenerate python/hpocr/_hpocr.pyi from build/release's module
    scripts/python_tools.py wheels REQ..  # print the wheel cache dir after making sure REQ.. are in it

Exit code 3 when a tool is neither cached nor obtainable from PyPI (the tests skip then).
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[1]
PYTHON = "/usr/bin/python3"
UNAVAILABLE = 3


class Unavailable(Exception):
    """A requirement is neither in the wheel cache nor obtainable from PyPI."""


def hpocr_home() -> pathlib.Path:
    return pathlib.Path(os.environ.get("HPOCR_HOME") or pathlib.Path.home() / ".cache" / "hpocr")


def wheel_dir() -> pathlib.Path:
    return hpocr_home() / "downloads" / "pip"


def pinned(name: str) -> str:
    """The pinned requirement for ``name`` from python/requirements-dev.txt (e.g. 'mypy==2.4.1')."""
    for line in (REPO / "python" / "requirements-dev.txt").read_text().splitlines():
        req = line.split("#", 1)[0].strip()
        if re.split(r"[=<>!~ ]", req, 1)[0].lower() == name.lower():
            return req
    raise KeyError(f"{name} is not pinned in python/requirements-dev.txt")


def _pip_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def wheels(*requirements: str) -> pathlib.Path:
    """The wheel cache after making sure it holds ``requirements`` and their dependencies: from the cache alone
    when it already does (offline), else from PyPI. Raises Unavailable when neither works."""
    cache = wheel_dir()
    cache.mkdir(parents=True, exist_ok=True)
    base = [PYTHON, "-m", "pip", "download", "-q", "--only-binary=:all:", "-d", str(cache), *requirements]
    offline = subprocess.run(base[:5] + ["--no-index", "--find-links", str(cache)] + base[5:],
                             capture_output=True, text=True, env=_pip_env())
    if offline.returncode == 0:
        return cache
    online = subprocess.run(base, capture_output=True, text=True, env=_pip_env(), timeout=300)
    if online.returncode != 0:
        raise Unavailable(f"{' '.join(requirements)}: not in {cache} and not obtainable from PyPI: "
                          f"{(online.stderr or online.stdout).strip().splitlines()[-1:]}")
    return cache


def pip_install(python: str, *requirements: str) -> None:
    """Installs ``requirements`` into the environment of ``python`` from the wheel cache (offline)."""
    cache = wheels(*requirements)
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-index", "--find-links", str(cache), *requirements],
                   check=True, env=_pip_env())


def tools_venv() -> str:
    """build/tools-venv's python with the pinned mypy and pybind11-stubgen (created or updated as needed)."""
    venv = REPO / "build" / "tools-venv"
    python = venv / "bin" / "python"
    wanted = [pinned("mypy"), pinned("pybind11-stubgen")]
    stamp = venv / "hpocr-tools.txt"
    if python.exists() and stamp.exists() and stamp.read_text() == "\n".join(wanted):
        return str(python)
    wheels(*wanted)  # before touching the venv: Unavailable leaves an existing one alone
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([PYTHON, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    pip_install(str(python), *wanted)
    stamp.write_text("\n".join(wanted))
    return str(python)


def run_mypy(args: list[str]) -> int:
    return subprocess.run([tools_venv(), "-m", "mypy", *args], cwd=REPO, env=_pip_env()).returncode


def generate_stubs(build_python_dir: pathlib.Path) -> str:
    """The text of _hpocr.pyi for the module in ``build_python_dir``/hpocr (pybind11-stubgen, then the values
    that would go stale, such as the version, replaced by their types)."""
    with tempfile.TemporaryDirectory() as out:
        env = _pip_env()
        env["PYTHONPATH"] = str(build_python_dir)
        subprocess.run([tools_venv(), "-m", "pybind11_stubgen", "hpocr._hpocr", "-o", out], check=True, env=env,
                       cwd=out, capture_output=True)
        text = (pathlib.Path(out) / "hpocr" / "_hpocr.pyi").read_text()
    text = re.sub(r"^__version__: str = .*$", "__version__: str", text, flags=re.M)
    text = re.sub(r"^DEFAULT_MODELS: dict = .*$", "DEFAULT_MODELS: dict[str, str]", text, flags=re.M)
    header = ("# Type stubs of the native module, generated by pybind11-stubgen from the built module:\n"
              "# scripts/python_tools.py stubs (tests/python/test_typing.py checks they match the module).\n")
    return header + text


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("mypy", "stubs", "wheels"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        if argv[0] == "mypy":
            return run_mypy(argv[1:])
        if argv[0] == "wheels":
            print(wheels(*argv[1:]))
            return 0
        target = REPO / "python" / "hpocr" / "_hpocr.pyi"
        target.write_text(generate_stubs(REPO / "build" / "release" / "python"))
        print(f"wrote {target.relative_to(REPO)}")
        return 0
    except Unavailable as err:
        print(f"python_tools: {err}", file=sys.stderr)
        return UNAVAILABLE


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
