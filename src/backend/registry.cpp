#include <mutex>

#include "backend/backend.h"
#include "backend/dynamic/dynamic_backends.h"
#include "backend/onnxruntime/ort_backend.h"
#include "backend/opencv/opencv_backend.h"
#include "hpocr/error.h"

namespace hpocr {
namespace {

std::vector<std::unique_ptr<Backend>>& registry() {
  static std::vector<std::unique_ptr<Backend>> list = [] {
    std::vector<std::unique_ptr<Backend>> l;
    l.push_back(make_onnxruntime_backend());
    l.push_back(make_opencv_backend());
    for (auto& b : make_dynamic_backends()) l.push_back(std::move(b));
    return l;
  }();
  return list;
}

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

std::span<const std::unique_ptr<Backend>> backends() {
  std::lock_guard lock(registry_mutex());
  return registry();
}

const Backend* find_backend(std::string_view name) {
  std::lock_guard lock(registry_mutex());
  for (const auto& b : registry())
    if (b->name() == name) return b.get();
  return nullptr;
}

void register_backend(std::unique_ptr<Backend> backend) {
  std::lock_guard lock(registry_mutex());
  auto& list = registry();
  for (auto& b : list)
    if (b->name() == backend->name()) {
      b = std::move(backend);
      return;
    }
  list.push_back(std::move(backend));
}

}  // namespace hpocr
