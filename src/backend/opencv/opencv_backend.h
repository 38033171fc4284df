// OpenCV DNN backend: a second real CPU backend, linked in. OpenCV 4.6 cannot import some PP-OCR graphs
// (e.g. dynamic shapes); load() then fails with the reason and the selection falls back.
#pragma once
#include <memory>

#include "backend/backend.h"

namespace hpocr {

std::unique_ptr<Backend> make_opencv_backend();

}  // namespace hpocr
