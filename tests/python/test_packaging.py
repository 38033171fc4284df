"""`pip install --no-build-isolation --no-deps ./python` works offline into a venv and gives a working package."""

import os
import pathlib
import subprocess
import sys

import pytest

from conftest import LINES, REPO, import_hpocr, models_present

hpocr = import_hpocr()


def test_offline_pip_install_into_venv(tmp_path):
    if sys.executable != "/usr/bin/python3" and not os.environ.get("HPOCR_TEST_ANY_PYTHON"):
        pytest.skip("packaging is tested with the system Python (/usr/bin/python3)")
    build_dir = pathlib.Path(hpocr._hpocr.__file__).resolve().parents[2]  # <build>/python/hpocr/_hpocr*.so
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")}
    env.update(HPOCR_BUILD_DIR=str(build_dir), PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    created = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                             capture_output=True, text=True)
    if created.returncode != 0:
        pytest.skip(f"cannot create a venv (python3-venv missing?): {created.stderr.strip()}")
    python = str(venv / "bin" / "python")
    install = subprocess.run([python, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--no-index",
                              str(REPO / "python")], capture_output=True, text=True, env=env, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr

    script = "import hpocr, os; print(os.path.dirname(hpocr.__file__)); print(hpocr.__version__)\n"
    if models_present() and hpocr._hpocr.find_font():
        script += ("img = hpocr._hpocr._render_lines(%r, 32)\n"
                   "print(hpocr.PaddleOCR().predict(img)[0]['rec_texts'])\n" % LINES)
    run = subprocess.run([python, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith(str(venv)), lines  # the installed copy, not the build tree
    assert lines[1] == hpocr.__version__
    if len(lines) > 2:
        assert lines[2] == repr(LINES)
