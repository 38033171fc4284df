// A backend library opened with dlopen, and the helpers its engine needs to bind the library's C API:
// symbol lookup with a clear error, and a pool of per-call handles for thread-safe run().
#pragma once
#include <dlfcn.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hpocr/error.h"

namespace hpocr {

/// One opened library (the handle stays open for the life of the process).
struct DynamicLibrary {
  std::string backend;  ///< "openvino", "paddle", ...
  std::string path;     ///< what was passed to dlopen
  std::string version;
  void* handle = nullptr;

  /// The C function (or exported variable) `symbol`, cast to `T`, or null when the library lacks it.
  template <typename T>
  T find(const char* symbol) const {
    return reinterpret_cast<T>(dlsym(handle, symbol));
  }
  /// Like find(), but a missing symbol is Error(BackendUnavailable) naming the library and the symbol.
  template <typename T>
  T require(const char* symbol) const {
    T fn = find<T>(symbol);
    if (!fn)
      throw Error(ErrorCode::BackendUnavailable, backend + " library " + path + " (version " + version + ") lacks " + symbol +
                                                     ": it is older or newer than the C API hpocr was written against");
    return fn;
  }
};

/// Handles that must not be used by two threads at once (an OpenVINO infer request, a Paddle predictor):
/// run() takes an idle one or makes a new one, and gives it back when done. Thread-safe.
template <typename T>
class HandlePool {
 public:
  using Deleter = void (*)(T*);
  HandlePool(std::function<T*()> make, Deleter destroy) : make_(std::move(make)), destroy_(destroy) {}
  ~HandlePool() {
    for (T* h : idle_) destroy_(h);
  }
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;

  /// Gives `handle` to the pool (e.g. the first one, made at load time).
  void put(T* handle) {
    std::lock_guard lock(mutex_);
    idle_.push_back(handle);
  }

  /// A handle for the caller alone; it goes back to the pool when the lease ends.
  class Lease {
   public:
    Lease(HandlePool& pool, T* handle) : pool_(pool), handle_(handle) {}
    ~Lease() { pool_.put(handle_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    T* get() const { return handle_; }

   private:
    HandlePool& pool_;
    T* handle_;
  };

  /// An idle handle, or a new one from `make` (which throws Error on failure).
  Lease acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        T* h = idle_.back();
        idle_.pop_back();
        return Lease(*this, h);
      }
    }
    return Lease(*this, make_());  // made outside the lock: creating one can take a while
  }

 private:
  std::function<T*()> make_;
  Deleter destroy_;
  std::mutex mutex_;
  std::vector<T*> idle_;
};

}  // namespace hpocr
