// File helpers for caches: content fingerprints and atomic directory publication.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "hpocr/temp_directory.h"

namespace hpocr {

/// 64-bit FNV-1a of `data`, as 16 hex digits.
std::string hash_hex(std::string_view data);
/// Hash of a file's size and bytes; Error(Io) if unreadable.
std::string file_fingerprint(const std::filesystem::path& file);

/// Makes `final_dir` exist with content written by `build(tmp_dir)`: the content is built in a temporary
/// sibling and renamed into place, so readers never see a half-written entry and concurrent builders are
/// safe (the first rename wins, the other copy is discarded). Returns false (and logs why) when the
/// directory cannot be written; the caller then simply runs without a cache.
bool publish_directory(const std::filesystem::path& final_dir, const std::function<void(const std::filesystem::path&)>& build);

/// A writable directory for caches of the model in `model_dir`: `<model_dir>/.cache/hpocr`, or, when the
/// model directory is read-only, `$HPOCR_HOME/cache/<hash of the model dir path>`.
std::filesystem::path cache_root_for(const std::filesystem::path& model_dir);

}  // namespace hpocr
