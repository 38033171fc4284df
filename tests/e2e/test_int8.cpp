// INT8: `hpocr quantize` -> accuracy guard -> HPI runs the INT8 model on rendered text with known content;
// ONNX Runtime's optimised graph holds integer kernels; cache keying, invalidation and refusal; bad
// calibration inputs. One quantisation (of a private copy of the textline classifier, the smallest model,
// with small sets) is shared by the tests.
#include <cstdlib>
#include <fstream>
#include <optional>

#include "hpi/engine_loader.h"
#include "hpocr/backends.h"
#include "hpi/int8_cache.h"
#include "hpocr/error.h"
#include "pipeline_fixture.h"
#include "quant/onnx_graph.h"
#include "quant/quantizer.h"

namespace fs = std::filesystem;

namespace hpocr::test {
namespace {

class Int8 : public PipelineTest {
 protected:
  /// A private copy of the classifier, quantised once with 4 generated calibration and 3 validation images plus
  /// 2 document pages (1 for calibration) where scripts/fetch_documents.sh has put the PDFs.
  static const fs::path& quantised_cls() {
    static const fs::path dir = [] {
      fs::path d = temp_dir("int8-cls");
      for (const auto& e : fs::directory_iterator(hpocr_home() / "models" / "ch_ppocr_mobile_v2.0_cls"))
        if (e.is_regular_file()) fs::copy_file(e.path(), d / e.path().filename());
      quantize_output() = run_cli("quantize --model_dir " + d.string() + " --calib_images 4 --val_images 3 --doc_pages 2 --json " +
                                  (d / "report.json").string());
      return d;
    }();
    return dir;
  }
  static CommandResult& quantize_output() {
    static CommandResult r;
    return r;
  }
  static nlohmann::json report() {
    std::ifstream f(quantised_cls() / "report.json");
    return nlohmann::json::parse(f).at(0);
  }
  static ModelDir cls_model() { return open_model_dir(quantised_cls(), "cls"); }
};

TEST_F(Int8, QuantizeWritesAGuardedEntryThatHpiRunsOnKnownText) {
  const fs::path dir = quantised_cls();
  ASSERT_EQ(quantize_output().exit_code, 0) << quantize_output().out;
  const nlohmann::json r = report();
  EXPECT_TRUE(r["passed"].get<bool>()) << r.dump(2);
  EXPECT_GE(r["quantized_nodes"].get<int>(), 50) << "the classifier's 53 Conv + 1 MatMul should be quantised";
  const fs::path entry = r["entry"].get<std::string>();
  EXPECT_EQ(entry, hpi::int8_entry_dir(cls_model()));
  EXPECT_EQ(entry.parent_path(), dir / ".cache" / "hpocr");
  for (const char* f : {"inference.onnx", "inference.yml", "guard.json", "quant.json"})
    EXPECT_TRUE(fs::exists(entry / f)) << f;
  // The guard's verdict is recorded in the entry, with the measured CER figures.
  std::ifstream g(entry / "guard.json");
  nlohmann::json guard = nlohmann::json::parse(g);
  EXPECT_EQ(guard["passed"], r["passed"]);
  EXPECT_LE(guard["cer_increase_points"].get<double>(), 0.5);
  // Judged on real document pages too, where setup has fetched the PDFs: detection Hmean against their labels.
  if (!quant::make_document_page_set(quant::default_document_dir(), 1, quant::PageSplit::Validation).empty()) {
    ASSERT_TRUE(guard.contains("det_hmean_drop_points")) << guard.dump(2);
    EXPECT_GT(guard["labelled_boxes"].get<int>(), 5);
    EXPECT_GT(guard["det_hmean_fp32"].get<double>(), 0.5);  // the fp32 detector finds most labelled lines
    EXPECT_NEAR(guard["det_hmean_drop_points"].get<double>(), 0.0, 0.5);  // only the classifier was quantised
  }
  // And the speed measured against fp32 on the same inputs, which decides whether HPI picks it by itself.
  ASSERT_TRUE(guard.contains("speed")) << guard.dump(2);
  EXPECT_GT(guard["speed"]["fp32_s"].get<double>(), 0);
  EXPECT_GT(guard["speed"]["int8_s"].get<double>(), 0);
  EXPECT_EQ(r["hpi_uses_it"].get<bool>(), guard["speed"]["speedup"].get<double>() >= hpi::kMinAutomaticInt8Speedup);

  // With precision int8 (the classifier's only: the default models must not get INT8 versions built) HPI runs
  // the entry, and the pipeline reads the known text (two lines upside down: the INT8 classifier must turn them).
  OcrOptions o;
  o.textline_orientation_model_dir = dir;
  o.enable_hpi = true;
  o.module_hpi_config[std::string(role_name(ModelRole::TextLineOrientation))].set_precision("int8");
  OcrPipeline p(o);
  EXPECT_NE(p.describe().find(entry.string()), std::string::npos) << p.describe();
  const std::vector<std::string> lines = {"Quarterly report 2026", "Invoice number 48213", "Total amount 1375.40"};
  RenderedPage page = render_lines(lines, latin_font());
  for (size_t i : {0, 2}) {
    cv::Mat line = page.image(page.line_rects[i] & cv::Rect(0, 0, page.image.cols, page.image.rows));
    cv::rotate(line.clone(), line, cv::ROTATE_180);
  }
  OcrResult res = p.predict(page.image, "int8_page");
  ASSERT_EQ(res.rec_texts.size(), lines.size());
  size_t errors = 0, chars = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    errors += edit_distance(without_spaces(res.rec_texts[i]), without_spaces(lines[i]));
    chars += char_count(without_spaces(lines[i]));
  }
  EXPECT_LE(errors, chars / 50) << "clean rendered text should be read almost perfectly";
  EXPECT_EQ(res.textline_orientation_angles, (std::vector<int>{1, 0, 1}));
}

TEST_F(Int8, OnnxRuntimeRunsIntegerKernelsForTheQdqModel) {
  const fs::path entry = report()["entry"].get<std::string>();
  fs::path out = temp_dir("int8-opt") / "optimized.onnx";
  quant::write_optimized_graph(entry / "inference.onnx", out, 0);
  onnx::ModelProto opt = quant::load_onnx(out);
  auto kernels = quant::integer_kernels(opt);
  int integer = 0, float_conv = 0;
  for (const auto& [op, n] : kernels) integer += n;
  for (const auto& n : opt.graph().node()) float_conv += n.op_type() == "Conv" || n.op_type() == "FusedConv";
  // Every quantised Conv/MatMul must have become an integer kernel; a QDQ graph left in fp32 is a defect.
  EXPECT_GE(integer, report()["quantized_nodes"].get<int>()) << nlohmann::json(kernels).dump();
  EXPECT_GT(kernels["QLinearConv"], 0);
  EXPECT_EQ(float_conv, static_cast<int>(report()["excluded_layers"].size())) << "fp32 convolutions left in the optimised graph";
}

TEST_F(Int8, EntryIsKeyedOnTheModelBytesAndRefusedWhenTheGuardFailed) {
  const ModelDir model = cls_model();
  ASSERT_TRUE(hpi::int8_status(model).usable) << hpi::int8_status(model).reason;
  LoadRequest req;
  req.enable_hpi = true;
  req.hpi.backend = "onnxruntime";  // where HPI's plan starts with it (INT8 entries run on ONNX Runtime)
  // HPI picks a guarded entry by itself where it measured faster than fp32 when it was built, not otherwise.
  const fs::path guard_file = hpi::int8_entry_dir(model) / "guard.json";
  auto set_speedup = [&](double speedup) {
    nlohmann::json guard = nlohmann::json::parse(std::ifstream(guard_file));
    guard["speed"]["speedup"] = speedup;
    std::ofstream(guard_file, std::ios::trunc) << guard.dump();
  };
  set_speedup(2.0);
  EXPECT_EQ(load_engine(model, req).selection["precision"], "int8");
  set_speedup(0.5);
  const nlohmann::json slower = load_engine(model, req).selection;
  EXPECT_EQ(slower["precision"], "fp32");
  EXPECT_NE(slower["precision_reason"].get<std::string>().find("0.50x as fast as fp32"), std::string::npos) << slower.dump();
  req.hpi.set_precision("int8");  // asked for, a guarded entry runs whatever its speed
  EXPECT_EQ(load_engine(model, req).selection["precision"], "int8");
  set_speedup(2.0);
  req.hpi.set_precision("fp32");  // an explicit precision wins
  EXPECT_EQ(load_engine(model, req).selection["precision"], "fp32");
  // Where the plan starts with another backend (OpenVINO, measured faster in fp32), HPI's own choice keeps it
  // there in fp32; precision int8 moves ONNX Runtime to the front instead.
  if (probe_backend("openvino", Device::parse("cpu")).available) {
    LoadRequest automatic;
    automatic.enable_hpi = true;
    // A plan of OpenVINO then ONNX Runtime, whatever the built-in table says.
    const hpi::PriorKnowledge both = hpi::PriorKnowledge::parse("default: {cpu: [{backend: openvino}, {backend: onnxruntime}]}");
    automatic.knowledge = &both;
    const nlohmann::json kept = load_engine(model, automatic).selection;
    EXPECT_EQ(kept["backend"], "openvino");
    EXPECT_EQ(kept["precision"], "fp32");
    EXPECT_NE(kept["precision_reason"].get<std::string>().find("openvino comes first"), std::string::npos) << kept.dump();
    automatic.hpi.set_precision("int8");
    const nlohmann::json asked = load_engine(model, automatic).selection;
    EXPECT_EQ(asked["backend"], "onnxruntime");
    EXPECT_EQ(asked["precision"], "int8");
  }

  // A changed model (same directory, other bytes) misses the entry: fp32 with the reason.
  fs::path changed = temp_dir("int8-changed");
  for (const auto& e : fs::directory_iterator(quantised_cls()))
    if (e.is_regular_file()) fs::copy_file(e.path(), changed / e.path().filename());
  fs::create_directories(changed / ".cache");
  fs::copy(quantised_cls() / ".cache", changed / ".cache", fs::copy_options::recursive);
  ModelDir copy = open_model_dir(changed, "rec");
  EXPECT_TRUE(hpi::int8_status(copy).usable) << "same bytes, same key: the entry travels with a copy";
  onnx::ModelProto proto = quant::load_onnx(copy.model_file);
  proto.set_doc_string("changed");
  quant::save_onnx(proto, copy.model_file);
  hpi::Int8Status miss = hpi::int8_status(copy);
  EXPECT_FALSE(miss.usable);
  EXPECT_NE(miss.reason.find("hpocr quantize"), std::string::npos) << miss.reason;
  req.hpi.backend_config["precision"] = "int8";
  LoadedEngine e = load_engine(copy, req);
  EXPECT_EQ(e.selection["precision"], "fp32");
  EXPECT_NE(e.selection["precision_reason"].get<std::string>().find("no INT8 version"), std::string::npos);

  // A failed guard verdict makes HPI refuse the entry, even when INT8 is asked for.
  fs::path failed = temp_dir("int8-failed");
  for (const auto& f : fs::directory_iterator(quantised_cls()))
    if (f.is_regular_file()) fs::copy_file(f.path(), failed / f.path().filename());
  ModelDir third = open_model_dir(failed, "rec");
  fs::path entry = hpi::int8_entry_dir(third);
  fs::create_directories(entry);
  fs::path src = hpi::int8_entry_dir(model);
  for (const auto& f : fs::directory_iterator(src))
    if (f.is_regular_file()) fs::copy_file(f.path(), entry / f.path().filename());
  std::ofstream(entry / "guard.json", std::ios::trunc) << R"({"passed": false, "reason": "CER +2.00 points"})";
  hpi::Int8Status refused = hpi::int8_status(third);
  EXPECT_FALSE(refused.usable);
  EXPECT_NE(refused.reason.find("failed the accuracy guard"), std::string::npos) << refused.reason;
  EXPECT_EQ(load_engine(third, req).selection["precision"], "fp32");

  // A guard.json of the wrong shape makes the entry unreadable (fp32 with the reason), not an exception.
  for (const char* bad : {R"([1, 2])", R"({"passed": "yes"})", R"({"passed": true, "speed": "fast"})"}) {
    std::ofstream(entry / "guard.json", std::ios::trunc) << bad;
    hpi::Int8Status st;
    ASSERT_NO_THROW(st = hpi::int8_status(third)) << bad;
    EXPECT_FALSE(st.usable) << bad;
    EXPECT_NE(st.reason.find("no readable guard.json"), std::string::npos) << bad << ": " << st.reason;
    EXPECT_EQ(load_engine(third, req).selection["precision"], "fp32") << bad;
  }
}

TEST_F(Int8, BadCalibrationInputsGiveClearErrors) {
  fs::path empty = temp_dir("calib-empty");
  auto r = run_cli("quantize --calib_dir " + empty.string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("is empty"), std::string::npos) << r.out;

  fs::path junk = temp_dir("calib-junk");
  std::ofstream(junk / "notes.txt") << "not an image";
  std::ofstream(junk / "broken.png") << "\x89PNG garbage";
  r = run_cli("quantize --calib_dir " + junk.string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("no decodable image"), std::string::npos) << r.out;

  r = run_cli("quantize --calib_dir " + (empty / "missing").string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("not a directory"), std::string::npos) << r.out;

  r = run_cli("quantize --method median");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = run_cli("ocr -i x.png --precision int4");
  EXPECT_EQ(r.exit_code, 2) << r.out;

  fs::path not_a_model = temp_dir("calib-model");
  r = run_cli("quantize --model_dir " + not_a_model.string());
  EXPECT_EQ(r.exit_code, 3) << r.out;
}

/// Sets an environment variable for the scope of a test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() { old_ ? (void)setenv(name_, old_->c_str(), 1) : (void)unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST_F(Int8, PrecisionInt8BuildsTheMissingInt8ModelOnFirstUse) {
  // A fresh copy of the classifier (no INT8 entry), small sets to keep the build short.
  fs::path dir = temp_dir("int8-first-use");
  for (const auto& e : fs::directory_iterator(hpocr_home() / "models" / "ch_ppocr_mobile_v2.0_cls"))
    if (e.is_regular_file()) fs::copy_file(e.path(), dir / e.path().filename());
  const ModelDir model = open_model_dir(dir, "cls");
  ASSERT_FALSE(hpi::int8_status(model).present);
  ScopedEnv calib("HPOCR_INT8_CALIB_IMAGES", "3"), val("HPOCR_INT8_VAL_IMAGES", "2"), rounds("HPOCR_INT8_GUARD_ROUNDS", "0"),
      pages("HPOCR_INT8_DOC_PAGES", "1");

  OcrOptions o;
  o.textline_orientation_model_dir = dir;
  o.enable_hpi = true;
  HpiConfig int8;
  int8.backend_config = {{"precision", "int8"}};
  o.module_hpi_config[std::string(role_name(ModelRole::TextLineOrientation))] = int8;  // only the classifier asks for INT8
  testing::internal::CaptureStderr();
  std::optional<OcrPipeline> p;
  try {
    p.emplace(o);
  } catch (...) {
    testing::internal::GetCapturedStderr();
    throw;
  }
  const std::string progress = testing::internal::GetCapturedStderr();
  EXPECT_NE(progress.find("building the INT8 version of ch_ppocr_mobile_v2.0_cls on first use"), std::string::npos) << progress;
  EXPECT_NE(progress.find("3 generated calibration images"), std::string::npos) << progress;
  // 2 generated validation images, plus the one document page where scripts/fetch_documents.sh put the PDFs
  const bool documents = !quant::make_document_page_set(quant::default_document_dir(), 1, quant::PageSplit::Validation).empty();
  EXPECT_NE(progress.find(documents ? "guard round 0 on 3 images" : "guard round 0 on 2 images"), std::string::npos) << progress;
  if (documents) {
    EXPECT_NE(progress.find("detection Hmean on"), std::string::npos) << progress;
  }

  // The entry is in the model's cache with its guard verdict, and the classifier runs it if the guard passed.
  const hpi::Int8Status st = hpi::int8_status(model);
  ASSERT_TRUE(st.present) << st.reason;
  ASSERT_TRUE(fs::exists(st.dir / "guard.json"));
  std::ifstream q(st.dir / "quant.json");
  EXPECT_EQ(nlohmann::json::parse(q)["calibration_images"], 3);
  std::string precision;
  for (const auto& m : p->model_settings())
    if (m["model_name"] == "ch_ppocr_mobile_v2.0_cls") precision = m["selection"].value("precision", std::string());
  EXPECT_EQ(precision, st.usable ? "int8" : "fp32") << st.reason;
  // The other models were not asked for INT8: nothing was built for them.
  EXPECT_EQ(progress.find("PP-OCRv4"), std::string::npos) << progress;

  // The next pipeline finds the entry: no second build.
  const auto built = fs::last_write_time(st.dir / "inference.onnx");
  testing::internal::CaptureStderr();
  OcrPipeline again(o);
  const std::string second = testing::internal::GetCapturedStderr();
  EXPECT_EQ(second.find("INT8 build"), std::string::npos) << second;
  EXPECT_EQ(second.find("building the INT8 version"), std::string::npos) << second;
  EXPECT_EQ(fs::last_write_time(st.dir / "inference.onnx"), built);
}

TEST_F(Int8, UnknownExcludedNodeIsRefused) {
  quant::Calibration calib;
  calib.model = quant::load_onnx(cls_model().model_file);
  quant::normalise_graph(*calib.model.mutable_graph());
  quant::QuantOptions opts;
  opts.exclude = {"no_such_node"};
  try {
    quant::quantize(calib, opts);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("no_such_node"), std::string::npos);
  }
}

}  // namespace
}  // namespace hpocr::test
