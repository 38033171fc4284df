// Numerical tests of the shape and data-movement mappers (reshape, transpose, flatten, squeeze/unsqueeze,
// concat, stack, split, slice, shape, expand) and the constant makers (fill_constant, assign_value, assign),
// against index arithmetic written from Paddle's semantics.
#include <gtest/gtest.h>

#include "convert_reference.h"
#include "unit_helpers.h"

namespace hpocr::test {
namespace {

const bool registered = register_tested_ops({"reshape2", "reshape", "transpose2", "transpose", "flatten_contiguous_range", "squeeze2",
                                             "unsqueeze2", "concat", "stack", "split", "slice", "shape", "expand_v2", "fill_constant",
                                             "assign_value", "assign"});

class ConvertOpTensor : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!onnxruntime_available()) GTEST_SKIP() << "ONNX Runtime is not available";
  }
};

/// `x`'s values under a new shape (reshape-like ops move no data).
Tensor reshaped(const Tensor& x, std::vector<int64_t> shape) {
  Tensor out(std::move(shape), DataType::Float32);
  std::copy(x.values<float>().begin(), x.values<float>().end(), out.values<float>().begin());
  return out;
}

/// Row-major strides of `shape`.
std::vector<int64_t> strides_of(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (std::size_t d = shape.size(); d-- > 1;) s[d - 1] = s[d] * shape[d];
  return s;
}

/// out[i] = x[src(i's multi-index)] over the output shape.
Tensor gather_ref(const std::vector<int64_t>& out_shape, const std::function<float(const std::vector<int64_t>&)>& value) {
  Tensor out(out_shape, DataType::Float32);
  std::vector<int64_t> idx(out_shape.size());
  const auto st = strides_of(out_shape);
  for (int64_t i = 0; i < out.numel(); ++i) {
    for (std::size_t d = 0; d < out_shape.size(); ++d) idx[d] = i / st[d] % out_shape[d];
    out.data<float>()[i] = value(idx);
  }
  return out;
}

float at(const Tensor& x, const std::vector<int64_t>& idx) {
  const auto st = strides_of(x.shape());
  int64_t off = 0;
  for (std::size_t d = 0; d < idx.size(); ++d) off += idx[d] * st[d];
  return x.data<float>()[off];
}

TEST_F(ConvertOpTensor, Reshape2WithZeroAndMinusOne) {
  const Tensor x = random_tensor({2, 3, 4}, 51);
  for (const char* type : {"reshape2", "reshape"}) {
    OneOp o;
    o.in("x", x).out("y", {2, 4, 3});
    o.op(type, {{"X", {"x"}}}, {{"Out", {"y"}}, {"XShape", {"xs"}}}, {{"shape", std::vector<int64_t>{0, -1, 3}}});
    EXPECT_TRUE(all_close(o.run1(), reshaped(x, {2, 4, 3}))) << type;
  }
  OneOp t;  // the shape as a run-time int32 tensor
  t.in("x", x).in("s", int_tensor_of({2}, {6, -1}, DataType::Int32)).out("y", {6, 4});
  t.op("reshape2", {{"X", {"x"}}, {"Shape", {"s"}}}, {{"Out", {"y"}}}, {{"shape", std::vector<int64_t>{1, 1}}});
  EXPECT_TRUE(all_close(t.run1(), reshaped(x, {6, 4})));
}

TEST_F(ConvertOpTensor, TransposePermutation) {
  const Tensor x = random_tensor({2, 3, 4, 5}, 52);
  const std::vector<int64_t> perm = {2, 0, 3, 1};
  const std::vector<int64_t> out_shape = {4, 2, 5, 3};
  const Tensor expected = gather_ref(out_shape, [&](const std::vector<int64_t>& o) {
    std::vector<int64_t> in(4);
    for (std::size_t d = 0; d < 4; ++d) in[static_cast<std::size_t>(perm[d])] = o[d];
    return at(x, in);
  });
  for (const char* type : {"transpose2", "transpose"}) {
    OneOp o;
    o.in("x", x).out("y", out_shape).op(type, {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"axis", perm}});
    EXPECT_TRUE(all_close(o.run1(), expected)) << type;
  }
}

TEST_F(ConvertOpTensor, FlattenContiguousRange) {
  const Tensor x = random_tensor({2, 3, 4, 5}, 53);
  struct Case {
    int64_t start, stop;
    std::vector<int64_t> shape;
  };
  for (const Case& c : {Case{1, 2, {2, 12, 5}}, Case{2, -1, {2, 3, 20}}, Case{0, 3, {120}}, Case{1, -2, {2, 12, 5}}, Case{0, 1, {6, 4, 5}}}) {
    OneOp o;
    o.in("x", x).out("y", c.shape);
    o.op("flatten_contiguous_range", {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"start_axis", c.start}, {"stop_axis", c.stop}});
    EXPECT_TRUE(all_close(o.run1(), reshaped(x, c.shape))) << c.start << ".." << c.stop;
  }
}

TEST_F(ConvertOpTensor, Squeeze2) {
  const Tensor x = random_tensor({2, 1, 3, 1}, 54);
  struct Case {
    std::vector<int64_t> axes, shape;
  };
  // Paddle ignores listed axes whose size is not 1.
  for (const Case& c : {Case{{1}, {2, 3, 1}}, Case{{-1}, {2, 1, 3}}, Case{{}, {2, 3}}, Case{{0, 1}, {2, 3, 1}}, Case{{1, 3}, {2, 3}}}) {
    OneOp o;
    o.in("x", x).out("y", c.shape).op("squeeze2", {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"axes", c.axes}});
    EXPECT_TRUE(all_close(o.run1(), reshaped(x, c.shape))) << testing::PrintToString(c.axes);
  }
}

TEST_F(ConvertOpTensor, Unsqueeze2InsertsInPaddlesOrder) {
  const Tensor x = random_tensor({3, 4}, 55);
  struct Case {
    std::vector<int64_t> axes, shape;
  };
  // Paddle inserts the axes one after another; a later axis shifts the units inserted before it.
  for (const Case& c : {Case{{0}, {1, 3, 4}}, Case{{0, 2}, {1, 3, 1, 4}}, Case{{-1}, {3, 4, 1}}, Case{{0, -1}, {1, 3, 4, 1}},
                        Case{{2, 0}, {1, 3, 4, 1}}, Case{{1, 1}, {3, 1, 1, 4}}}) {
    OneOp o;
    o.in("x", x).out("y", c.shape).op("unsqueeze2", {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"axes", c.axes}});
    EXPECT_TRUE(all_close(o.run1(), reshaped(x, c.shape))) << testing::PrintToString(c.axes);
  }
}

TEST_F(ConvertOpTensor, ConcatNegativeAxis) {
  const Tensor a = random_tensor({2, 3, 2}, 56), b = random_tensor({2, 3, 4}, 57);
  const Tensor expected = gather_ref({2, 3, 6}, [&](const std::vector<int64_t>& i) {
    return i[2] < 2 ? at(a, i) : at(b, {i[0], i[1], i[2] - 2});
  });
  OneOp o;
  o.in("a", a).in("b", b).out("y", {2, 3, 6}).op("concat", {{"X", {"a", "b"}}}, {{"Out", {"y"}}}, {{"axis", int64_t{-1}}});
  EXPECT_TRUE(all_close(o.run1(), expected));
}

TEST_F(ConvertOpTensor, Stack) {
  const Tensor a = random_tensor({2, 3}, 58), b = random_tensor({2, 3}, 59), c = random_tensor({2, 3}, 60);
  const Tensor* parts[] = {&a, &b, &c};
  for (int64_t axis : {0, 1, -1}) {
    const int64_t ax = axis < 0 ? axis + 3 : axis;
    std::vector<int64_t> shape = {2, 3};
    shape.insert(shape.begin() + ax, 3);
    const Tensor expected = gather_ref(shape, [&](const std::vector<int64_t>& i) {
      std::vector<int64_t> rest = i;
      rest.erase(rest.begin() + ax);
      return at(*parts[i[static_cast<std::size_t>(ax)]], rest);
    });
    OneOp o;
    o.in("a", a).in("b", b).in("c", c).out("y", shape).op("stack", {{"X", {"a", "b", "c"}}}, {{"Y", {"y"}}}, {{"axis", axis}});
    EXPECT_TRUE(all_close(o.run1(), expected)) << axis;
  }
}

/// The slice [begin, begin + len) of `x` along `axis`.
Tensor slice_ref(const Tensor& x, int64_t axis, int64_t begin, int64_t len) {
  std::vector<int64_t> shape = x.shape();
  shape[static_cast<std::size_t>(axis)] = len;
  return gather_ref(shape, [&](const std::vector<int64_t>& i) {
    std::vector<int64_t> src = i;
    src[static_cast<std::size_t>(axis)] += begin;
    return at(x, src);
  });
}

TEST_F(ConvertOpTensor, SplitByNumAndSections) {
  const Tensor x = random_tensor({2, 6, 3}, 61);
  {
    OneOp o;
    o.in("x", x).out("a", {2, 2, 3}).out("b", {2, 2, 3}).out("c", {2, 2, 3});
    o.op("split", {{"X", {"x"}}}, {{"Out", {"a", "b", "c"}}}, {{"num", int64_t{3}}, {"axis", int64_t{1}}});
    const auto out = o.run();
    ASSERT_EQ(out.size(), 3u);
    for (int64_t k = 0; k < 3; ++k) EXPECT_TRUE(all_close(out[static_cast<std::size_t>(k)], slice_ref(x, 1, 2 * k, 2))) << k;
  }
  {
    OneOp o;
    o.in("x", x).out("a", {2, 1, 3}).out("b", {2, 3, 3}).out("c", {2, 2, 3});
    o.op("split", {{"X", {"x"}}}, {{"Out", {"a", "b", "c"}}}, {{"sections", std::vector<int64_t>{1, -1, 2}}, {"axis", int64_t{-2}}, {"num", int64_t{0}}});
    const auto out = o.run();
    ASSERT_EQ(out.size(), 3u);
    EXPECT_TRUE(all_close(out[0], slice_ref(x, 1, 0, 1)));
    EXPECT_TRUE(all_close(out[1], slice_ref(x, 1, 1, 3)));
    EXPECT_TRUE(all_close(out[2], slice_ref(x, 1, 4, 2)));
  }
}

TEST_F(ConvertOpTensor, SliceNegativeStartsHugeEndsAndDecreaseAxis) {
  const Tensor x = random_tensor({3, 4, 5}, 62);
  {
    OneOp o;  // axis 1: [-3, huge) = [1, 4); axis 2: [1, -1) = [1, 4)
    o.in("x", x).out("y", {3, 3, 3});
    o.op("slice", {{"Input", {"x"}}}, {{"Out", {"y"}}},
         {{"axes", std::vector<int64_t>{1, 2}}, {"starts", std::vector<int64_t>{-3, 1}}, {"ends", std::vector<int64_t>{1000000, -1}}});
    EXPECT_TRUE(all_close(o.run1(), gather_ref({3, 3, 3}, [&](const std::vector<int64_t>& i) { return at(x, {i[0], i[1] + 1, i[2] + 1}); })));
  }
  {
    OneOp o;  // x[:, 2, 1:3] with the sliced axis dropped
    o.in("x", x).out("y", {3, 2});
    o.op("slice", {{"Input", {"x"}}}, {{"Out", {"y"}}},
         {{"axes", std::vector<int64_t>{1, 2}}, {"starts", std::vector<int64_t>{2, 1}}, {"ends", std::vector<int64_t>{3, 3}},
          {"decrease_axis", std::vector<int64_t>{1}}});
    EXPECT_TRUE(all_close(o.run1(), gather_ref({3, 2}, [&](const std::vector<int64_t>& i) { return at(x, {i[0], 2, i[1] + 1}); })));
  }
  {
    OneOp o;  // every axis dropped: an old program keeps a 1-element vector
    o.in("x", x).out("y", {1});
    o.op("slice", {{"Input", {"x"}}}, {{"Out", {"y"}}},
         {{"axes", std::vector<int64_t>{0, 1, 2}}, {"starts", std::vector<int64_t>{-1, 0, 4}}, {"ends", std::vector<int64_t>{3, 1, 5}},
          {"decrease_axis", std::vector<int64_t>{0, 1, 2}}});
    EXPECT_TRUE(all_close(o.run1(), tensor_of({1}, {at(x, {2, 0, 4})})));
  }
  {
    OneOp o;  // starts and ends as run-time tensors
    o.in("x", x).in("s", int_tensor_of({1}, {1}, DataType::Int32)).in("e", int_tensor_of({1}, {3}, DataType::Int64)).out("y", {2, 4, 5});
    o.op("slice", {{"Input", {"x"}}, {"StartsTensor", {"s"}}, {"EndsTensor", {"e"}}}, {{"Out", {"y"}}},
         {{"axes", std::vector<int64_t>{0}}, {"starts", std::vector<int64_t>{0}}, {"ends", std::vector<int64_t>{1}}});
    EXPECT_TRUE(all_close(o.run1(), slice_ref(x, 0, 1, 2)));
  }
  {
    OneOp o;  // starts and ends as lists of one-element tensors, one per axis
    o.in("x", x).in("s0", int_tensor_of({1}, {-2}, DataType::Int32)).in("s1", int_tensor_of({1}, {0}, DataType::Int64));
    o.in("e0", int_tensor_of({1}, {4}, DataType::Int32)).in("e1", int_tensor_of({1}, {-1}, DataType::Int32)).out("y", {3, 2, 4});
    o.op("slice", {{"Input", {"x"}}, {"StartsTensorList", {"s0", "s1"}}, {"EndsTensorList", {"e0", "e1"}}}, {{"Out", {"y"}}},
         {{"axes", std::vector<int64_t>{1, 2}}, {"starts", std::vector<int64_t>{0, 0}}, {"ends", std::vector<int64_t>{1, 1}}});
    EXPECT_TRUE(all_close(o.run1(), gather_ref({3, 2, 4}, [&](const std::vector<int64_t>& i) { return at(x, {i[0], i[1] + 2, i[2]}); })));
  }
}

TEST_F(ConvertOpTensor, ShapeIsInt32) {
  OneOp o;
  o.in("x", random_tensor({2, 3, 5, 7}, 63)).out("s", {4}, paddle::DType::Int32);
  o.op("shape", {{"Input", {"x"}}}, {{"Out", {"s"}}});
  const Tensor s = o.run1();
  EXPECT_EQ(s.dtype(), DataType::Int32);
  EXPECT_EQ(ints_of(s), (std::vector<int64_t>{2, 3, 5, 7}));
}

TEST_F(ConvertOpTensor, ExpandV2KeepsMinusOneDimensions) {
  const Tensor x = random_tensor({3, 1}, 64);
  const Tensor expected = gather_ref({2, 3, 4}, [&](const std::vector<int64_t>& i) { return at(x, {i[1], 0}); });
  {
    OneOp o;
    o.in("x", x).out("y", {2, 3, 4}).op("expand_v2", {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"shape", std::vector<int64_t>{2, -1, 4}}});
    EXPECT_TRUE(all_close(o.run1(), expected));
  }
  {
    OneOp o;  // the target shape as a run-time tensor
    o.in("x", x).in("s", int_tensor_of({3}, {2, -1, 4}, DataType::Int32)).out("y", {2, 3, 4});
    o.op("expand_v2", {{"X", {"x"}}, {"Shape", {"s"}}}, {{"Out", {"y"}}}, {{"shape", std::vector<int64_t>{}}});
    EXPECT_TRUE(all_close(o.run1(), expected));
  }
  {
    OneOp o;  // the target shape as a list of one-element tensors
    o.in("x", x).in("a", int_tensor_of({1}, {2}, DataType::Int32)).in("b", int_tensor_of({1}, {-1}, DataType::Int32));
    o.in("c", int_tensor_of({1}, {4}, DataType::Int64)).out("y", {2, 3, 4});
    o.op("expand_v2", {{"X", {"x"}}, {"expand_shapes_tensor", {"a", "b", "c"}}}, {{"Out", {"y"}}}, {{"shape", std::vector<int64_t>{}}});
    EXPECT_TRUE(all_close(o.run1(), expected));
  }
}

TEST_F(ConvertOpTensor, FillConstantFoldsToAConstant) {
  const Tensor x = random_tensor({2, 3}, 65);
  OneOp o;  // as an operand of a downstream op and as a graph output
  o.in("x", x).var("c", {2, 3}).out("y", {2, 3}).out("c2", {2, 3});
  o.op("fill_constant", {}, {{"Out", {"c"}}}, {{"shape", std::vector<int64_t>{2, 3}}, {"value", 1.25}, {"dtype", int64_t{5}}});
  o.op("elementwise_mul", {{"X", {"x"}}, {"Y", {"c"}}}, {{"Out", {"y"}}}, {{"axis", int64_t{-1}}});
  o.op("fill_constant", {}, {{"Out", {"c2"}}}, {{"shape", std::vector<int64_t>{2, 3}}, {"str_value", std::string("-0.5")}, {"value", 9.0}, {"dtype", int64_t{5}}});
  const auto out = o.run();
  EXPECT_TRUE(all_close(out.at(0), map_values(x, [](double v) { return v * 1.25; })));
  EXPECT_TRUE(all_close(out.at(1), map_values(x, [](double) { return -0.5; })));
}

TEST_F(ConvertOpTensor, FillConstantWithRunTimeShape) {
  OneOp o;
  o.in("s", int_tensor_of({2}, {3, 2}, DataType::Int32)).out("y", {3, 2});
  o.op("fill_constant", {{"ShapeTensor", {"s"}}}, {{"Out", {"y"}}}, {{"value", 4.5}, {"dtype", int64_t{5}}});
  EXPECT_TRUE(all_close(o.run1(), tensor_of({3, 2}, {4.5f, 4.5f, 4.5f, 4.5f, 4.5f, 4.5f})));
}

TEST_F(ConvertOpTensor, AssignValueAndAssign) {
  const Tensor x = random_tensor({2, 3}, 66);
  const std::vector<float> v = {0.5f, -1.f, 2.f, 3.5f, 0.f, -7.25f};
  OneOp o;
  o.in("x", x).var("c", {2, 3}).var("c2", {2, 3}).out("y", {2, 3}).out("x2", {2, 3}).out("i", {3}, paddle::DType::Int32);
  o.op("assign_value", {}, {{"Out", {"c"}}}, {{"shape", std::vector<int64_t>{2, 3}}, {"dtype", int64_t{5}}, {"fp32_values", std::vector<double>(v.begin(), v.end())}});
  o.op("assign", {{"X", {"c"}}}, {{"Out", {"c2"}}});  // a folded constant stays one
  o.op("elementwise_add", {{"X", {"x"}}, {"Y", {"c2"}}}, {{"Out", {"y"}}}, {{"axis", int64_t{-1}}});
  o.op("assign", {{"X", {"x"}}}, {{"Out", {"x2"}}});  // a run-time value is copied
  o.op("assign_value", {}, {{"Out", {"i"}}}, {{"shape", std::vector<int64_t>{3}}, {"dtype", int64_t{2}}, {"int32_values", std::vector<int64_t>{4, -2, 9}}});
  const auto out = o.run();
  Tensor expected = reshaped(x, {2, 3});
  for (std::size_t k = 0; k < v.size(); ++k) expected.data<float>()[k] += v[k];
  EXPECT_TRUE(all_close(out.at(0), expected));
  EXPECT_TRUE(all_close(out.at(1), x));
  EXPECT_EQ(ints_of(out.at(2)), (std::vector<int64_t>{4, -2, 9}));
}

TEST_F(ConvertOpTensor, AssignValueThatDoesNotMatchItsShapeIsRefused) {
  OneOp o;
  o.out("c", {2, 2}).op("assign_value", {}, {{"Out", {"c"}}}, {{"shape", std::vector<int64_t>{2, 2}}, {"dtype", int64_t{5}}, {"fp32_values", std::vector<double>{1, 2, 3}}});
  EXPECT_TRUE(throws_error([&] { o.convert(); }, ErrorCode::UnsupportedOp, "do not match"));
}

TEST_F(ConvertOpTensor, AttributesComputedAtRunTimeOrOutOfRangeAreRefused) {
  struct Case {
    std::string type;
    std::map<std::string, std::vector<std::string>> inputs;
    std::map<std::string, paddle::Attr> attrs;
    std::string needle;
  };
  const Case cases[] = {
      {"concat", {{"X", {"x", "x"}}, {"AxisTensor", {"i"}}}, {}, "axis computed at run time"},
      {"split", {{"X", {"x"}}, {"AxisTensor", {"i"}}}, {}, "axis computed at run time"},
      {"split", {{"X", {"x"}}, {"SectionsTensorList", {"i"}}}, {{"sections", std::vector<int64_t>{2}}}, "sections computed at run time"},
      {"split", {{"X", {"x"}}}, {{"sections", std::vector<int64_t>{1, 1}}}, "sections do not match"},
      {"fill_constant", {{"ValueTensor", {"x"}}}, {{"shape", std::vector<int64_t>{2}}}, "value computed at run time"},
      {"fill_constant", {}, {{"shape", std::vector<int64_t>{2}}, {"str_value", std::string("abc")}}, "not a number"},
      {"flatten_contiguous_range", {{"X", {"x"}}}, {{"start_axis", int64_t{1}}, {"stop_axis", int64_t{0}}}, "axes 1..0"},
      {"unsqueeze2", {{"X", {"x"}}}, {{"axes", std::vector<int64_t>{5}}}, "axes out of range"},
      {"unsqueeze2", {{"X", {"x"}}}, {}, "no axes"},
      {"reshape2", {{"X", {"x"}}}, {}, "no target shape"},
  };
  for (const Case& c : cases) {
    ProgramBuilder b;
    b.input("x", {2, 3}).input("i", {1}, paddle::DType::Int32).var("y", {2, 3}).output("y");
    b.op(c.type, c.inputs, {{"Out", {"y"}}}, c.attrs);
    convert::ConvertOptions options;
    EXPECT_TRUE(throws_error([&] { convert::convert_program(b.program(), options); }, ErrorCode::UnsupportedOp, c.needle)) << c.type;
  }
}

}  // namespace
}  // namespace hpocr::test
