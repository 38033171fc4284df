#include <mutex>
#include <utility>
#include <vector>

#include "backend/backend.h"
#include "backend/dynamic/dynamic_backends.h"
#include "backend/onnxruntime/ort_backend.h"
#include "backend/opencv/opencv_backend.h"
#include "hpocr/error.h"

namespace hpocr {
namespace {

struct Registry {
  Registry() {
    active.push_back(make_onnxruntime_backend());
    active.push_back(make_opencv_backend());
    for (auto& b : make_dynamic_backends()) active.push_back(std::move(b));
  }
  std::mutex mutex;
  std::vector<std::unique_ptr<Backend>> active;   ///< in registration order, one per name
  std::vector<std::unique_ptr<Backend>> retired;  ///< replaced ones, kept alive: pointers handed out stay valid
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

std::vector<const Backend*> backends() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<const Backend*> out;
  for (const auto& b : r.active) out.push_back(b.get());
  return out;
}

const Backend& reference_backend() {
  const Backend* b = find_backend("onnxruntime");
  if (!b) throw Error(ErrorCode::BackendUnavailable, "the onnxruntime backend is not built in");
  return *b;
}

const Backend* find_backend(std::string_view name) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (const auto& b : r.active)
    if (b->name() == name) return b.get();
  return nullptr;
}

std::string_view reference_backend_name() { return reference_backend().name(); }

std::vector<BackendStatus> probe_backends(const Device& device) {
  std::vector<BackendStatus> out;
  for (const Backend* b : backends()) out.push_back({std::string(b->name()), b->probe(device)});
  return out;
}

Availability probe_backend(std::string_view name, const Device& device) {
  const Backend* b = find_backend(name);
  if (!b) throw Error(ErrorCode::InvalidArgument, "unknown backend '" + std::string(name) + "'");
  return b->probe(device);
}

void register_backend(std::unique_ptr<Backend> backend) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (auto& b : r.active)
    if (b->name() == backend->name()) {
      r.retired.push_back(std::exchange(b, std::move(backend)));
      return;
    }
  r.active.push_back(std::move(backend));
}

}  // namespace hpocr
