// Independent reference computations for the converter's op tests: plain loops written from PaddlePaddle's
// documented semantics (not from ONNX's), so that a test checks the mapping, not ONNX Runtime against itself.
// Also a one-op program runner and a float comparison with relative/absolute tolerance.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "convert/converter.h"
#include "core/tensor.h"
#include "support/convert_support.h"

namespace hpocr::test {

/// A float32 tensor of `shape` holding `values` (row-major).
inline Tensor tensor_of(std::vector<int64_t> shape, const std::vector<float>& values) {
  Tensor t(std::move(shape), DataType::Float32);
  std::copy(values.begin(), values.end(), t.values<float>().begin());
  return t;
}

/// An integer tensor (Int32 or Int64) of `shape` holding `values`.
inline Tensor int_tensor_of(std::vector<int64_t> shape, const std::vector<int64_t>& values, DataType dtype) {
  Tensor t(std::move(shape), dtype);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (dtype == DataType::Int32) t.data<int32_t>()[i] = static_cast<int32_t>(values[i]);
    else t.data<int64_t>()[i] = values[i];
  }
  return t;
}

/// The values of an Int32 or Int64 tensor as int64.
inline std::vector<int64_t> ints_of(const Tensor& t) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < t.numel(); ++i)
    out.push_back(t.dtype() == DataType::Int32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i]);
  return out;
}

/// Same shape and every |a - e| <= atol + rtol * |e| (float32 outputs against a reference).
inline testing::AssertionResult all_close(const Tensor& actual, const Tensor& expected, double atol = 1e-5, double rtol = 1e-5) {
  if (actual.shape() != expected.shape())
    return testing::AssertionFailure() << "shape " << actual.describe() << " != expected " << expected.describe();
  if (actual.dtype() != DataType::Float32) return testing::AssertionFailure() << "dtype " << actual.describe();
  auto a = actual.values<float>(), e = expected.values<float>();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = std::fabs(static_cast<double>(a[i]) - e[i]);
    if (!(d <= atol + rtol * std::fabs(e[i])))
      return testing::AssertionFailure() << "element " << i << ": " << a[i] << " != expected " << e[i] << " (of " << a.size() << ")";
  }
  return testing::AssertionSuccess();
}

/// The element-wise map of `x` through `f`.
inline Tensor map_values(const Tensor& x, const std::function<double(double)>& f) {
  Tensor out(x.shape(), DataType::Float32);
  auto in = x.values<float>();
  auto o = out.values<float>();
  for (std::size_t i = 0; i < in.size(); ++i) o[i] = static_cast<float>(f(in[i]));
  return out;
}

/// A one-op (or few-op) Paddle program: feeds are declared with their tensors' shapes, weights become params,
/// and run() converts and executes it in ONNX Runtime.
class OneOp {
 public:
  OneOp& in(const std::string& name, const Tensor& t) {
    b_.input(name, t.shape(), dtype_of(t));
    feeds_.push_back(t);
    return *this;
  }
  OneOp& weight(const std::string& name, const Tensor& t) {
    b_.param(name, to_const(t));
    return *this;
  }
  /// A fetch target declared with `shape` (and `dtype`).
  OneOp& out(const std::string& name, std::vector<int64_t> shape, paddle::DType dtype = paddle::DType::Float32) {
    b_.var(name, std::move(shape), dtype).output(name);
    return *this;
  }
  OneOp& var(const std::string& name, std::vector<int64_t> shape, paddle::DType dtype = paddle::DType::Float32) {
    b_.var(name, std::move(shape), dtype);
    return *this;
  }
  OneOp& op(const std::string& type, std::map<std::string, std::vector<std::string>> inputs,
            std::map<std::string, std::vector<std::string>> outputs, std::map<std::string, paddle::Attr> attrs = {}) {
    b_.op(type, std::move(inputs), std::move(outputs), std::move(attrs));
    return *this;
  }
  std::vector<Tensor> run(int opset = 16) const { return convert_and_run(b_.program(), feeds_, opset); }
  /// The first output.
  Tensor run1(int opset = 16) const { return run(opset).at(0); }
  void convert(int opset = 16) const {
    convert::ConvertOptions o;
    o.opset = opset;
    o.model_name = "test";
    convert::convert_program(b_.program(), o);
  }

 private:
  static paddle::DType dtype_of(const Tensor& t) {
    switch (t.dtype()) {
      case DataType::Int64: return paddle::DType::Int64;
      case DataType::Int32: return paddle::DType::Int32;
      case DataType::UInt8: return paddle::DType::UInt8;
      default: return paddle::DType::Float32;
    }
  }
  ProgramBuilder b_;
  std::vector<Tensor> feeds_;
};

/// Op types with a numerical test; each test file adds its own (see ConvertOpCoverage).
inline std::set<std::string>& tested_ops() {
  static std::set<std::string> ops;
  return ops;
}
inline bool register_tested_ops(std::initializer_list<const char*> ops) {
  for (const char* op : ops) tested_ops().insert(op);
  return true;
}

namespace ref {

/// An NCHW float32 view with bounds-free indexing.
struct Nchw {
  const Tensor& t;
  int64_t n, c, h, w;
  explicit Nchw(const Tensor& t) : t(t), n(t.shape()[0]), c(t.shape()[1]), h(t.shape()[2]), w(t.shape()[3]) {}
  float at(int64_t i, int64_t j, int64_t y, int64_t x) const { return t.data<float>()[((i * c + j) * h + y) * w + x]; }
};
inline float& at4(Tensor& t, int64_t i, int64_t j, int64_t y, int64_t x) {
  const auto& s = t.shape();
  return t.data<float>()[((i * s[1] + j) * s[2] + y) * s[3] + x];
}

/// Paddings in Paddle's resolved order.
struct Pads {
  int64_t top = 0, bottom = 0, left = 0, right = 0;
};

/// Paddle's UpdatePadding(AndDilation): "SAME" gives out = ceil(in / stride) with pad_sum split as
/// (pad_sum / 2, rest) -- the odd pixel at the end; "VALID" is no padding; otherwise the attribute, either
/// [h, w] or [top, bottom, left, right].
inline Pads paddle_pads(const std::string& algorithm, const std::vector<int64_t>& paddings, int64_t in_h, int64_t in_w,
                        int64_t k_h, int64_t k_w, int64_t s_h, int64_t s_w) {
  Pads p;
  if (algorithm == "SAME") {
    auto split = [](int64_t in, int64_t k, int64_t s, int64_t& a, int64_t& b) {
      const int64_t out = (in + s - 1) / s, sum = std::max<int64_t>((out - 1) * s + k - in, 0);
      a = sum / 2;
      b = sum - a;
    };
    split(in_h, k_h, s_h, p.top, p.bottom);
    split(in_w, k_w, s_w, p.left, p.right);
  } else if (algorithm != "VALID") {
    if (paddings.size() == 2) p = {paddings[0], paddings[0], paddings[1], paddings[1]};
    else p = {paddings[0], paddings[1], paddings[2], paddings[3]};
  }
  return p;
}

/// Paddle conv2d: filter [Cout, Cin/groups, kh, kw], out = (in + pads - (d (k-1) + 1)) / s + 1.
inline Tensor conv2d(const Tensor& input, const Tensor& filter, const Tensor* bias, std::vector<int64_t> strides, Pads p,
                     std::vector<int64_t> dilations, int64_t groups) {
  const Nchw x(input), f(filter);
  const int64_t cout = f.n, cin_g = f.c, kh = f.h, kw = f.w;
  const int64_t oh = (x.h + p.top + p.bottom - (dilations[0] * (kh - 1) + 1)) / strides[0] + 1;
  const int64_t ow = (x.w + p.left + p.right - (dilations[1] * (kw - 1) + 1)) / strides[1] + 1;
  Tensor out({x.n, cout, oh, ow}, DataType::Float32);
  const int64_t cout_g = cout / groups;
  for (int64_t n = 0; n < x.n; ++n)
    for (int64_t oc = 0; oc < cout; ++oc)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          double acc = bias ? bias->data<float>()[oc] : 0.0;
          const int64_t g = oc / cout_g;
          for (int64_t ic = 0; ic < cin_g; ++ic)
            for (int64_t ky = 0; ky < kh; ++ky)
              for (int64_t kx = 0; kx < kw; ++kx) {
                const int64_t iy = oy * strides[0] - p.top + ky * dilations[0], ix = ox * strides[1] - p.left + kx * dilations[1];
                if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w) continue;
                acc += static_cast<double>(x.at(n, g * cin_g + ic, iy, ix)) * f.at(oc, ic, ky, kx);
              }
          at4(out, n, oc, oy, ox) = static_cast<float>(acc);
        }
  return out;
}

/// Paddle conv2d_transpose: filter [Cin, Cout/groups, kh, kw]; every input pixel scatters its kernel at
/// (i * s - pad_begin + k * d); out = (in - 1) s - pads + d (k - 1) + 1 + output_padding.
inline Tensor conv2d_transpose(const Tensor& input, const Tensor& filter, const Tensor* bias, std::vector<int64_t> strides, Pads p,
                               std::vector<int64_t> dilations, int64_t groups, std::vector<int64_t> output_padding = {0, 0}) {
  const Nchw x(input), f(filter);
  const int64_t cin = f.n, cout_g = f.c, kh = f.h, kw = f.w, cin_g = cin / groups;
  const int64_t oh = (x.h - 1) * strides[0] - p.top - p.bottom + dilations[0] * (kh - 1) + 1 + output_padding[0];
  const int64_t ow = (x.w - 1) * strides[1] - p.left - p.right + dilations[1] * (kw - 1) + 1 + output_padding[1];
  std::vector<double> acc(static_cast<std::size_t>(x.n * cout_g * groups * oh * ow), 0.0);
  auto idx = [&](int64_t n, int64_t c, int64_t y, int64_t xx) { return static_cast<std::size_t>(((n * cout_g * groups + c) * oh + y) * ow + xx); };
  for (int64_t n = 0; n < x.n; ++n)
    for (int64_t ic = 0; ic < cin; ++ic) {
      const int64_t g = ic / cin_g;
      for (int64_t iy = 0; iy < x.h; ++iy)
        for (int64_t ix = 0; ix < x.w; ++ix)
          for (int64_t oc = 0; oc < cout_g; ++oc)
            for (int64_t ky = 0; ky < kh; ++ky)
              for (int64_t kx = 0; kx < kw; ++kx) {
                const int64_t oy = iy * strides[0] - p.top + ky * dilations[0], ox = ix * strides[1] - p.left + kx * dilations[1];
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                acc[idx(n, g * cout_g + oc, oy, ox)] += static_cast<double>(x.at(n, ic, iy, ix)) * f.at(ic, oc, ky, kx);
              }
    }
  Tensor out({x.n, cout_g * groups, oh, ow}, DataType::Float32);
  for (int64_t n = 0; n < x.n; ++n)
    for (int64_t c = 0; c < cout_g * groups; ++c)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xx = 0; xx < ow; ++xx)
          at4(out, n, c, y, xx) = static_cast<float>(acc[idx(n, c, y, xx)] + (bias ? bias->data<float>()[c] : 0.0));
  return out;
}

/// Paddle pool2d (non-adaptive): out = (in + pads - k) / s + 1 (ceil_mode: + s - 1 before dividing). The
/// window [y*s - top, +k) is clipped to the input; avg divides by the clipped window when exclusive, by kh*kw
/// otherwise.
inline Tensor pool2d(const Tensor& input, std::vector<int64_t> ksize, std::vector<int64_t> strides, Pads p, bool avg, bool ceil_mode,
                     bool exclusive) {
  const Nchw x(input);
  auto out_size = [&](int64_t in, int64_t pads, int64_t k, int64_t s) { return (in + pads - k + (ceil_mode ? s - 1 : 0)) / s + 1; };
  const int64_t oh = out_size(x.h, p.top + p.bottom, ksize[0], strides[0]), ow = out_size(x.w, p.left + p.right, ksize[1], strides[1]);
  Tensor out({x.n, x.c, oh, ow}, DataType::Float32);
  for (int64_t n = 0; n < x.n; ++n)
    for (int64_t c = 0; c < x.c; ++c)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          const int64_t y0 = std::max<int64_t>(oy * strides[0] - p.top, 0), y1 = std::min(oy * strides[0] - p.top + ksize[0], x.h);
          const int64_t x0 = std::max<int64_t>(ox * strides[1] - p.left, 0), x1 = std::min(ox * strides[1] - p.left + ksize[1], x.w);
          double acc = avg ? 0.0 : -INFINITY;
          for (int64_t y = y0; y < y1; ++y)
            for (int64_t xx = x0; xx < x1; ++xx) acc = avg ? acc + x.at(n, c, y, xx) : std::max<double>(acc, x.at(n, c, y, xx));
          if (avg) acc /= exclusive ? static_cast<double>((y1 - y0) * (x1 - x0)) : static_cast<double>(ksize[0] * ksize[1]);
          at4(out, n, c, oy, ox) = static_cast<float>(acc);
        }
  return out;
}

/// Paddle adaptive pool2d: output cell i of n over length L pools [floor(i L / n), ceil((i + 1) L / n)).
inline Tensor adaptive_pool2d(const Tensor& input, int64_t oh, int64_t ow, bool avg) {
  const Nchw x(input);
  Tensor out({x.n, x.c, oh, ow}, DataType::Float32);
  auto start = [](int64_t i, int64_t n, int64_t len) { return static_cast<int64_t>(std::floor(static_cast<double>(i * len) / n)); };
  auto end = [](int64_t i, int64_t n, int64_t len) { return static_cast<int64_t>(std::ceil(static_cast<double>((i + 1) * len) / n)); };
  for (int64_t n = 0; n < x.n; ++n)
    for (int64_t c = 0; c < x.c; ++c)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          const int64_t y0 = start(oy, oh, x.h), y1 = end(oy, oh, x.h), x0 = start(ox, ow, x.w), x1 = end(ox, ow, x.w);
          double acc = avg ? 0.0 : -INFINITY;
          for (int64_t y = y0; y < y1; ++y)
            for (int64_t xx = x0; xx < x1; ++xx) acc = avg ? acc + x.at(n, c, y, xx) : std::max<double>(acc, x.at(n, c, y, xx));
          if (avg) acc /= static_cast<double>((y1 - y0) * (x1 - x0));
          at4(out, n, c, oy, ox) = static_cast<float>(acc);
        }
  return out;
}

/// Paddle nearest_interp_v2. `ratio_*` is in/out (or 1/scale when a scale is given); align_corners uses
/// (in-1)/(out-1). Source index: floor(ratio * dst), or round(ratio * dst) = floor(ratio * dst + 0.5) aligned.
inline Tensor nearest_interp(const Tensor& input, int64_t oh, int64_t ow, bool align_corners, double ratio_h, double ratio_w) {
  const Nchw x(input);
  if (align_corners) {
    ratio_h = oh > 1 ? static_cast<double>(x.h - 1) / static_cast<double>(oh - 1) : 0.0;
    ratio_w = ow > 1 ? static_cast<double>(x.w - 1) / static_cast<double>(ow - 1) : 0.0;
  }
  Tensor out({x.n, x.c, oh, ow}, DataType::Float32);
  for (int64_t n = 0; n < x.n; ++n)
    for (int64_t c = 0; c < x.c; ++c)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          int64_t iy = static_cast<int64_t>(align_corners ? ratio_h * oy + 0.5 : ratio_h * oy);
          int64_t ix = static_cast<int64_t>(align_corners ? ratio_w * ox + 0.5 : ratio_w * ox);
          at4(out, n, c, oy, ox) = x.at(n, c, std::min(iy, x.h - 1), std::min(ix, x.w - 1));
        }
  return out;
}

/// Paddle bilinear_interp_v2. Source coordinate: align_corners dst (in-1)/(out-1); align_mode 0
/// max((dst + 0.5) ratio - 0.5, 0); align_mode 1 dst * ratio; the upper neighbour is clamped to the edge.
inline Tensor bilinear_interp(const Tensor& input, int64_t oh, int64_t ow, bool align_corners, int align_mode, double ratio_h,
                              double ratio_w) {
  const Nchw x(input);
  if (align_corners) {
    ratio_h = oh > 1 ? static_cast<double>(x.h - 1) / static_cast<double>(oh - 1) : 0.0;
    ratio_w = ow > 1 ? static_cast<double>(x.w - 1) / static_cast<double>(ow - 1) : 0.0;
  }
  auto src = [&](int64_t dst, double ratio) {
    if (!align_corners && align_mode == 0) return std::max((dst + 0.5) * ratio - 0.5, 0.0);
    return dst * ratio;
  };
  Tensor out({x.n, x.c, oh, ow}, DataType::Float32);
  for (int64_t n = 0; n < x.n; ++n)
    for (int64_t c = 0; c < x.c; ++c)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          const double sy = src(oy, ratio_h), sx = src(ox, ratio_w);
          const int64_t y0 = std::min(static_cast<int64_t>(sy), x.h - 1), x0 = std::min(static_cast<int64_t>(sx), x.w - 1);
          const int64_t y1 = std::min(y0 + 1, x.h - 1), x1 = std::min(x0 + 1, x.w - 1);
          const double dy = sy - y0, dx = sx - x0;
          at4(out, n, c, oy, ox) = static_cast<float>(
              (1 - dy) * ((1 - dx) * x.at(n, c, y0, x0) + dx * x.at(n, c, y0, x1)) + dy * ((1 - dx) * x.at(n, c, y1, x0) + dx * x.at(n, c, y1, x1)));
        }
  return out;
}

/// Paddle grid_sampler: grid [N, Ho, Wo, 2] of (x, y) in [-1, 1], unnormalised as (g + 1) / 2 (size - 1) with
/// align_corners, ((g + 1) size - 1) / 2 without. Padding "zeros" reads 0 outside; "border" clamps the
/// coordinate; "reflection" mirrors it at the edges ([0, size-1] aligned, [-0.5, size-0.5] not) then clamps.
/// Mode "bilinear" or "nearest" (rounded coordinate).
inline Tensor grid_sample(const Tensor& input, const Tensor& grid, bool align_corners, const std::string& padding,
                          const std::string& mode = "bilinear") {
  const Nchw x(input);
  const int64_t ho = grid.shape()[1], wo = grid.shape()[2];
  Tensor out({x.n, x.c, ho, wo}, DataType::Float32);
  auto reflect = [](double v, double lo, double hi) {
    if (hi <= lo) return 0.0;
    const double span = hi - lo, d = std::fabs(v - lo), extra = std::fmod(d, span);
    return static_cast<int64_t>(std::floor(d / span)) % 2 == 0 ? lo + extra : hi - extra;
  };
  auto unnorm = [&](double g, int64_t size) {
    const double last = static_cast<double>(size - 1);
    double v = align_corners ? (g + 1) / 2 * last : ((g + 1) * static_cast<double>(size) - 1) / 2;
    if (padding == "reflection") v = align_corners ? reflect(v, 0, last) : reflect(v, -0.5, static_cast<double>(size) - 0.5);
    if (padding == "border" || padding == "reflection") v = std::clamp(v, 0.0, last);
    return v;
  };
  for (int64_t n = 0; n < x.n; ++n)
    for (int64_t oy = 0; oy < ho; ++oy)
      for (int64_t ox = 0; ox < wo; ++ox) {
        const float* gp = grid.data<float>() + ((n * ho + oy) * wo + ox) * 2;
        const double sx = unnorm(gp[0], x.w), sy = unnorm(gp[1], x.h);
        const int64_t x0 = static_cast<int64_t>(std::floor(sx)), y0 = static_cast<int64_t>(std::floor(sy));
        const double dx = sx - x0, dy = sy - y0;
        for (int64_t c = 0; c < x.c; ++c) {
          auto px = [&](int64_t y, int64_t xx) { return y < 0 || y >= x.h || xx < 0 || xx >= x.w ? 0.0 : static_cast<double>(x.at(n, c, y, xx)); };
          at4(out, n, c, oy, ox) =
              static_cast<float>(mode == "nearest" ? px(static_cast<int64_t>(std::nearbyint(sy)), static_cast<int64_t>(std::nearbyint(sx)))
                                                   : (1 - dy) * ((1 - dx) * px(y0, x0) + dx * px(y0, x0 + 1)) +
                                                         dy * ((1 - dx) * px(y0 + 1, x0) + dx * px(y0 + 1, x0 + 1)));
        }
      }
  return out;
}

}  // namespace ref
}  // namespace hpocr::test
