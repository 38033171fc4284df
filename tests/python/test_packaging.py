"""`pip install --no-build-isolation .` at the repo root, into a fresh venv, builds and installs a working package
and `hpocr` command, and the README's Python example runs with it, away from the build tree.

scikit-build-core comes from the wheel cache in $HPOCR_HOME/downloads/pip (scripts/python_tools.py; PyPI only on
the first run; the test skips when it is neither cached nor obtainable). The build reuses build/pip (pyproject.toml's
build-dir) and ccache, so a re-run compiles little.
"""

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, import_hpocr, models_present, python_tools

hpocr = import_hpocr()

README_EXAMPLE = """
from hpocr import PaddleOCR            # README.md's Python example
ocr = PaddleOCR(enable_hpi=True)
for res in ocr.predict("page.png"):
    res.print(); res.save_to_json("out"); res.save_to_img("out")
import hpocr, os
print("PACKAGE", os.path.dirname(hpocr.__file__))
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A fresh venv (system site-packages: Debian's NumPy) with hpocr installed from the repo root."""
    if sys.executable != "/usr/bin/python3" and not os.environ.get("HPOCR_TEST_ANY_PYTHON"):
        pytest.skip("packaging is tested with the system Python (/usr/bin/python3)")
    try:
        wheels = python_tools.wheels(python_tools.pinned("scikit-build-core"))
    except python_tools.Unavailable as err:
        pytest.skip(str(err))
    root = tmp_path_factory.mktemp("pkg") / "venv"
    created = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(root)],
                             capture_output=True, text=True)
    if created.returncode != 0:
        pytest.skip(f"cannot create a venv (python3-venv missing?): {created.stderr.strip()}")
    python = str(root / "bin" / "python")
    env = clean_env()
    pip = [python, "-m", "pip", "install", "-q", "--no-index", "--find-links", str(wheels)]
    step = subprocess.run(pip + [python_tools.pinned("scikit-build-core")], capture_output=True, text=True, env=env)
    assert step.returncode == 0, step.stdout + step.stderr
    step = subprocess.run(pip + ["--no-build-isolation", str(REPO)], capture_output=True, text=True, env=env,
                          timeout=1800)  # a cold build on 2 cores; a warm ccache takes well under a minute
    assert step.returncode == 0, step.stdout + step.stderr
    return root


def clean_env() -> dict:
    """The environment without the build tree's package and CLI (PYTHONPATH, HPOCR_CLI) and without an index."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "HPOCR_CLI", "HPOCR_PYTHON", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def test_installed_files(venv):
    package = next((venv / "lib").glob("python3*/site-packages/hpocr"))
    names = {p.name for p in package.iterdir()}
    assert {"__init__.py", "pipeline.py", "_hpocr.pyi", "py.typed"} <= names
    assert any(n.startswith("_hpocr.") and n.endswith(".so") for n in names)
    assert os.access(venv / "bin" / "hpocr", os.X_OK)
    run = subprocess.run([str(venv / "bin" / "python"), "-c", "import hpocr; print(hpocr.__version__)"],
                         capture_output=True, text=True, env=clean_env(), cwd=venv)
    assert run.returncode == 0 and run.stdout.strip() == hpocr.__version__, run.stdout + run.stderr


def test_readme_example_and_cli_from_the_venv(venv, tmp_path):
    if not models_present():
        pytest.skip("default models not installed: run scripts/setup.sh")
    cli = str(venv / "bin" / "hpocr")
    env = clean_env()
    demo = subprocess.run([cli, "demo", "--save_path", str(tmp_path)], capture_output=True, text=True, env=env,
                          timeout=300)
    if demo.returncode != 0 and "font" in demo.stderr.lower():
        pytest.skip(f"no font to render the demo page: {demo.stderr.strip()}")
    assert demo.returncode == 0, demo.stdout + demo.stderr
    (tmp_path / "demo_page.png").rename(tmp_path / "page.png")

    run = subprocess.run([str(venv / "bin" / "python"), "-c", README_EXAMPLE], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"PACKAGE {venv}" in run.stdout  # the installed copy, not the build tree
    api = json.loads((tmp_path / "out" / "page_res.json").read_text())
    assert (tmp_path / "out" / "page_ocr_res_img.png").is_file()
    assert "Total amount: 1,234.56 EUR" in api["rec_texts"] and "高性能文字识别" in api["rec_texts"], api["rec_texts"]

    ocr = subprocess.run([cli, "ocr", "-i", "page.png", "--save_path", "cli_out"], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=300)
    assert ocr.returncode == 0, ocr.stdout + ocr.stderr
    for text in api["rec_texts"]:
        assert text in ocr.stdout
    cli_json = json.loads((tmp_path / "cli_out" / "page_res.json").read_text())
    assert cli_json["rec_texts"] == api["rec_texts"]


def test_batch_uses_the_venv_python(venv, tmp_path):
    """`hpocr batch` from the venv's bin/ runs the venv's interpreter, which has the package (no build tree)."""
    run = subprocess.run([str(venv / "bin" / "hpocr"), "batch", "--help"], capture_output=True, text=True,
                         env=clean_env(), cwd=tmp_path, timeout=120)
    assert "needs the hpocr Python package" not in run.stderr, run.stderr
    if run.returncode != 0 and "dask" in run.stderr.lower():
        pytest.skip(f"Dask not installed: {run.stderr.strip()}")
    assert run.returncode == 0 and "usage: hpocr batch" in run.stdout, run.stdout + run.stderr
