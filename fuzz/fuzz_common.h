// Shared helpers of the libFuzzer targets (docs/fuzzing.md). A target returns normally when the parser accepts
// the input or refuses it with hpocr::Error (the expected rejection); anything else that escapes (another
// exception type, reaching std::terminate), a crash or a sanitizer report is a finding.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <google/protobuf/stubs/logging.h>
#include <unistd.h>

#include "hpocr/error.h"
#include "hpocr/logging.h"

namespace hpocr::fuzz {

/// Silences hpocr's logger and protobuf's parse errors once per process (they would flood the output).
inline void quiet() {
  static const bool done = [] {
    log::set_level("off");
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)done;
}

/// Runs `f`, treating hpocr::Error as the expected refusal of a bad input.
template <typename F>
void expect_ok_or_error(F&& f) {
  try {
    f();
  } catch (const hpocr::Error&) {
  }
}

/// Stops with a message (a finding) when an invariant of an accepted input does not hold.
[[noreturn]] inline void violated(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

/// One file per process for readers that take a path: rewritten with every input, removed at exit.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& name) {
    const char* tmp = std::getenv("TMPDIR");
    const std::filesystem::path dir = tmp && *tmp ? std::filesystem::path(tmp) : std::filesystem::path("/tmp");
    path_ = dir / ("hpocr-fuzz-" + std::to_string(::getpid()) + "-" + name);
  }
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  /// Replaces the file's contents with `bytes`; returns its path.
  const std::filesystem::path& write(const uint8_t* data, std::size_t size) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) violated("cannot write the scratch file (disk full?)");
    return path_;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace hpocr::fuzz
