// A one-line progress bar on stderr for directory runs; silent when stderr is not a terminal.
#pragma once
#include <cstddef>
#include <cstdio>
#include <string>

namespace hpocr::cli {

class Progress {
 public:
  Progress(size_t total, bool enabled) : total_(total), enabled_(enabled) {}
  /// Shows the bar with the item being worked on.
  void start(const std::string& item) {
    if (!enabled_) return;
    constexpr int kWidth = 30;
    int filled = static_cast<int>(kWidth * done_ / total_);
    std::fprintf(stderr, "\r\033[K[%s%s] %zu/%zu %s", std::string(filled, '#').c_str(), std::string(kWidth - filled, ' ').c_str(),
                 done_, total_, item.c_str());
    std::fflush(stderr);
  }
  /// Erases the bar so a normal line can be printed.
  void clear() const {
    if (enabled_) std::fprintf(stderr, "\r\033[K");
  }
  void done() { ++done_; }
  void finish() const { clear(); }

 private:
  size_t total_, done_ = 0;
  bool enabled_;
};

}  // namespace hpocr::cli
