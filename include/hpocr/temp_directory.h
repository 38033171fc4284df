// A scratch directory that cleans up after itself.
#pragma once
#include <filesystem>
#include <string>

namespace hpocr {

/// A fresh directory under the system temp dir (`<tag>-<pid>-<random>`), removed with everything in it when
/// the object goes away.
class TempDirectory {
 public:
  explicit TempDirectory(const std::string& tag);
  ~TempDirectory();
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace hpocr
