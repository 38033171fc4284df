#include "batch.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "cli.h"

namespace fs = std::filesystem;

namespace hpocr::cli {
namespace {

// Set by python/CMakeLists.txt when the module is built: the interpreter it was built for.
#ifdef HPOCR_PYTHON_EXECUTABLE
constexpr const char* kBuiltPython = HPOCR_PYTHON_EXECUTABLE;
#else
constexpr const char* kBuiltPython = "";
#endif

// Import errors (package not built, native module for another Python) become one line and exit code 3, like
// a backend that cannot be loaded; hpocr.distributed reports a missing Dask itself.
constexpr const char* kBootstrap =
    "import sys\n"
    "try:\n"
    "    from hpocr.distributed import main\n"
    "except ImportError as err:\n"
    "    sys.stderr.write(f'error: hpocr batch needs the hpocr Python package ({err}); build it with '\n"
    "                     'scripts/build.sh release, or set HPOCR_PYTHON to a Python that has it\\n')\n"
    "    sys.exit(3)\n"
    "sys.exit(main(sys.argv[1:]))\n";

fs::path executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

/// The build tree's package directory (build/<preset>/python beside build/<preset>/apps/hpocr), if present.
fs::path package_dir() {
  fs::path exe_dir = executable_dir();
  if (exe_dir.empty()) return {};
  std::error_code ec;
  fs::path dir = exe_dir.parent_path() / "python";
  return fs::exists(dir / "hpocr" / "__init__.py", ec) ? dir : fs::path();
}

/// The interpreter of the environment the CLI was installed into by `pip install .` (a venv's bin/python3
/// beside bin/hpocr), if there is one.
std::string python_beside_executable() {
  fs::path exe_dir = executable_dir();
  if (exe_dir.empty()) return {};
  for (const char* name : {"python3", "python"}) {
    fs::path candidate = exe_dir / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

/// $HPOCR_PYTHON, else the Python beside the executable (installed with pip), else the one the module was built
/// for (build tree), else python3 on PATH.
std::string choose_python() {
  if (const char* env = std::getenv("HPOCR_PYTHON"); env && *env) return env;
  if (std::string beside = python_beside_executable(); !beside.empty()) return beside;
  if (*kBuiltPython && access(kBuiltPython, X_OK) == 0) return kBuiltPython;
  return "python3";
}

}  // namespace

int exec_batch(const std::vector<std::string>& args) {
  std::string python = choose_python();
  if (fs::path dir = package_dir(); !dir.empty()) {
    const char* old = std::getenv("PYTHONPATH");
    std::string value = dir.string();
    if (old && *old) value.append(":").append(old);
    setenv("PYTHONPATH", value.c_str(), 1);
  }
  std::vector<std::string> storage = {python, "-c", kBootstrap};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  execvp(python.c_str(), argv.data());
  std::fprintf(stderr, "error: cannot run %s (%s): hpocr batch needs Python 3 with Dask (apt install python3 "
               "python3-dask python3-distributed), or set HPOCR_PYTHON to the interpreter\n",
               python.c_str(), std::strerror(errno));
  return kModelFailed;
}

}  // namespace hpocr::cli
