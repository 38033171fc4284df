#include "core/file_util.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>

#include "hpocr/error.h"
#include "hpocr/logging.h"
#include "hpocr/options.h"

namespace fs = std::filesystem;

namespace hpocr {
namespace {

constexpr uint64_t kFnvOffset = 1469598103934665603ull, kFnvPrime = 1099511628211ull;

uint64_t fnv(uint64_t h, const char* data, size_t n) {
  for (size_t i = 0; i < n; ++i) h = (h ^ static_cast<unsigned char>(data[i])) * kFnvPrime;
  return h;
}

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

bool writable_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  return !ec && access(dir.c_str(), W_OK) == 0;
}

}  // namespace

std::string hash_hex(std::string_view data) { return hex(fnv(kFnvOffset, data.data(), data.size())); }

std::string file_fingerprint(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::Io, "cannot read " + file.string());
  uint64_t h = kFnvOffset;
  char buf[1 << 16];
  uint64_t size = 0;
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    h = fnv(h, buf, static_cast<size_t>(in.gcount()));
    size += static_cast<uint64_t>(in.gcount());
  }
  return hex(h ^ size);
}

bool publish_directory(const fs::path& final_dir, const std::function<void(const fs::path&)>& build) {
  std::error_code ec;
  if (!writable_dir(final_dir.parent_path())) {
    log::warn("engine cache: cannot write {}; continuing without a cache", final_dir.parent_path().string());
    return false;
  }
  std::random_device rd;
  fs::path tmp = final_dir.parent_path() / (".tmp-" + final_dir.filename().string() + "-" + std::to_string(getpid()) + "-" +
                                            std::to_string(rd()));
  fs::create_directories(tmp, ec);
  try {
    build(tmp);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  fs::rename(tmp, final_dir, ec);  // fails if another process published first: theirs is as good as ours
  if (ec) fs::remove_all(tmp, ec);
  return fs::exists(final_dir);
}

TempDirectory::TempDirectory(const std::string& tag) {
  std::random_device rd;
  path_ = fs::temp_directory_path() / (tag + "-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDirectory::~TempDirectory() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path cache_root_for(const fs::path& model_dir) {
  fs::path local = model_dir / ".cache" / "hpocr";
  if (writable_dir(local)) return local;
  std::error_code ec;
  return hpocr_home() / "cache" / hash_hex(fs::absolute(model_dir, ec).string());
}

}  // namespace hpocr
