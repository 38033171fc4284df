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

/// The build tree's package directory (build/<preset>/python beside build/<preset>/apps/hpocr), if present.
fs::path package_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  fs::path dir = exe.parent_path().parent_path() / "python";
  return fs::exists(dir / "hpocr" / "__init__.py", ec) ? dir : fs::path();
}

}  // namespace

int exec_batch(const std::vector<std::string>& args) {
  const char* env_python = std::getenv("HPOCR_PYTHON");
  std::string python = env_python && *env_python ? env_python : *kBuiltPython ? kBuiltPython : "python3";
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
