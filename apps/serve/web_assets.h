// The web page of `hpocr serve` (GET /): the files of web/, compiled into the binary by
// cmake/embed_files.cmake so that the server needs no data files and no network (no CDN, no fonts).
#pragma once
#include <span>
#include <string_view>

namespace hpocr::serve {

struct WebAsset {
  std::string_view path;          ///< URL path: "/" for index.html, "/app.js", ...
  std::string_view content_type;  ///< with charset for text
  std::string_view body;
};

/// Every embedded file, index.html first.
std::span<const WebAsset> web_assets();

}  // namespace hpocr::serve
