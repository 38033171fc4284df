"""Packages hpocr: the pure-Python files of python/hpocr plus the native module _hpocr built by CMake.

Nothing is compiled here and nothing is downloaded: build first (``scripts/build.sh release``), then, offline::

    /usr/bin/python3 -m venv --system-site-packages build/venv
    build/venv/bin/pip install --no-build-isolation --no-deps ./python

HPOCR_BUILD_DIR selects another CMake build directory (default: <repo>/build/release).
"""

import glob
import os
import re
import shutil
import sysconfig

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("HPOCR_SOURCE_DIR") or os.path.dirname(HERE)
BUILD_DIR = os.environ.get("HPOCR_BUILD_DIR") or os.path.join(SOURCE_DIR, "build", "release")


# setuptools' own scratch files go to the build directory, not into the source tree.
SCRATCH_DIR = os.path.join(BUILD_DIR, "python-setuptools")
os.makedirs(SCRATCH_DIR, exist_ok=True)


def version() -> str:
    with open(os.path.join(SOURCE_DIR, "include", "hpocr", "version.h"), encoding="utf-8") as f:
        return re.search(r'kVersion = "([^"]+)"', f.read()).group(1)


def native_module() -> str:
    """The built _hpocr for this interpreter, or a clear error telling how to build it."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    matches = glob.glob(os.path.join(BUILD_DIR, "python", "hpocr", "_hpocr" + suffix))
    if not matches:
        raise SystemExit(f"hpocr: native module _hpocr{suffix} not found in {BUILD_DIR}/python/hpocr; build it first "
                         "(scripts/build.sh release) or set HPOCR_BUILD_DIR")
    return matches[0]


class BuildWithNativeModule(build_py):
    """build_py that also copies the CMake-built extension into the package."""

    def run(self):
        target = os.path.join(self.build_lib, "hpocr")
        shutil.rmtree(target, ignore_errors=True)  # no stale files from an earlier build
        super().run()
        os.makedirs(target, exist_ok=True)
        shutil.copy2(native_module(), target)


class BinaryDistribution(Distribution):
    """Marks the wheel as platform-specific (it carries a compiled module)."""

    def has_ext_modules(self):
        return True


setup(
    name="hpocr",
    version=version(),
    description="Fast OCR (PaddleOCR's PP-OCR pipeline) on a C++ core, with PaddleOCR 3.x's Python API",
    packages=["hpocr"],
    python_requires=">=3.9",
    install_requires=["numpy"],
    extras_require={"distributed": ["dask", "distributed"]},  # hpocr.distributed / hpocr batch
    cmdclass={"build_py": BuildWithNativeModule},
    distclass=BinaryDistribution,
    zip_safe=False,
    options={"build": {"build_base": SCRATCH_DIR}, "egg_info": {"egg_base": SCRATCH_DIR}},
)
