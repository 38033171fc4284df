// `hpocr batch`: OCR of large collections on a Dask cluster. The work is done by the Python package
// (hpocr.distributed, on Dask distributed); this subcommand only finds the interpreter and the package and
// replaces the process with it, so options, --help, exit codes and signals are the Python entry point's.
#pragma once
#include <string>
#include <vector>

namespace hpocr::cli {

/// Execs `<python> -c <bootstrap> args...` running hpocr.distributed.main(args). The interpreter is
/// $HPOCR_PYTHON, else `python3` beside the executable (a venv's bin/ after `pip install .`), else the one the
/// module was built for, else `python3` on PATH; the package directory
/// `<executable dir>/../python` (the build tree's) is put first on PYTHONPATH when it exists. Returns only
/// on failure, with exit code 3 after printing why (interpreter not found or not executable).
int exec_batch(const std::vector<std::string>& args);

}  // namespace hpocr::cli
