// hpocr benchmark: latency, throughput, load time and memory per configuration on a generated set.
#include <cstdio>
#include <fstream>

#include <opencv2/imgcodecs.hpp>

#include "cli.h"
#include "commands/command.h"
#include "hpocr/benchmark.h"
#include "hpocr/error.h"

namespace fs = std::filesystem;

namespace hpocr::cli {
namespace {

class BenchmarkCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* cmd = app.add_subcommand("benchmark", "Measure latency, throughput, load time and memory on a generated set");
    BenchArgs& b = b_;
    cmd->add_option("--configs", b.configs, "Comma-separated: hpi_off, hpi_on, threads1, batch1, batch12, no_cls, fp32, int8, int8_unguarded, or a backend "
                    "name (onnxruntime, openvino, paddle, opencv: every model forced onto it)")
        ->capture_default_str();
    cmd->add_option("--pages", b.pages, "Document pages in the set")->check(CLI::Range(1, 100))->capture_default_str();
    cmd->add_option("--crops", b.crops, "Single-line crops in the set")->check(CLI::Range(0, 10000))->capture_default_str();
    cmd->add_option("--repeats", b.repeats, "Measured passes")->check(CLI::Range(1, 1000))->capture_default_str();
    cmd->add_option("--warmup", b.warmup, "Warm-up passes")->check(CLI::Range(0, 100))->capture_default_str();
    cmd->add_option("--json", b.json, "Also write the reports as JSON");
    cmd->add_option("--save_set", b.save_set, "Write the generated images and their text (ground_truth.json) to this directory");
    cmd->add_option("--rounds", b.rounds, "Run the configurations this many times, alternating; each is reported by its median round")
        ->check(CLI::Range(1, 100))->capture_default_str();
    cmd->add_option("--measure_prior_knowledge", b.measure,
                    "Run each model on every installed backend and write their measured order for this CPU class to this "
                    "YAML file (e.g. src/hpi/prior_knowledge_measured.yaml): one cold pass over --pages pages, no warm-up; "
                    "--configs, --repeats and --warmup are not used");
    a_.declare(*cmd);
    return cmd;
  }

  int run() override {
    a_.resolve();
    const PipelineArgs& a = a_;
    const BenchArgs& b = b_;
    if (!b.measure.empty()) {
      std::fprintf(stderr, "generating the benchmark set (%d pages, receipt, scene, %d line crops)...\n", b.pages, b.crops);
      // One cold pass: every input shape is new to the models, as in a process that reads new pages. A warm-up
      // would hide what backends pay per new shape (OpenVINO's recogniser: 45-110 ms per new width).
      std::printf("%s", bench::measure_prior_knowledge(a.options, bench::make_bench_set(b.pages, b.crops), {0, 1}, b.measure).c_str());
      std::printf("written to %s\n", b.measure.c_str());
      return kOk;
    }
    std::vector<bench::BenchConfig> configs;
    for (size_t start = 0; start <= b.configs.size();) {
      size_t end = b.configs.find(',', start);
      if (end == std::string::npos) end = b.configs.size();
      if (end > start) configs.push_back(bench::named_config(b.configs.substr(start, end - start), a.options));
      start = end + 1;
    }
    if (configs.empty()) throw Error(ErrorCode::InvalidArgument, "--configs lists no configuration");
    std::fprintf(stderr, "generating the benchmark set (%d pages, receipt, scene, %d line crops)...\n", b.pages, b.crops);
    auto set = bench::make_bench_set(b.pages, b.crops);
    if (!b.save_set.empty()) {
      fs::create_directories(b.save_set);
      // The drawn text beside the images, so other engines (bench/peer_tesseract.py) can be scored on the same set.
      nlohmann::ordered_json truth = nlohmann::ordered_json::array();
      for (const auto& img : set) {
        cv::imwrite((b.save_set / (img.name + ".png")).string(), img.image);
        truth.push_back({{"image", img.name + ".png"}, {"kind", img.kind}, {"lines", img.lines}});
      }
      std::ofstream(b.save_set / "ground_truth.json") << truth.dump(1) << "\n";
    }
    // Rounds alternate the configurations, so a change in the machine's load weighs on all of them alike.
    std::vector<std::vector<nlohmann::ordered_json>> rounds(configs.size());
    for (int round = 0; round < b.rounds; ++round)
      for (size_t i = 0; i < configs.size(); ++i) {
        std::fprintf(stderr, "running %s (%d warm-up + %d measured passes)%s...\n", configs[i].label.c_str(), b.warmup, b.repeats,
                     b.rounds > 1 ? (", round " + std::to_string(round + 1)).c_str() : "");
        rounds[i].push_back(bench::run_config(configs[i], set, {b.warmup, b.repeats}));
      }
    std::vector<nlohmann::ordered_json> reports;
    for (auto& r : rounds) reports.push_back(bench::median_round(std::move(r)));
    std::printf("%s", bench::format_table(reports).c_str());
    if (!b.json.empty()) {
      std::ofstream f(b.json);
      f << nlohmann::ordered_json(reports).dump(2) << "\n";
      if (!f) throw Error(ErrorCode::Io, "cannot write " + b.json.string());
    }
    return kOk;
  }

 private:
  struct BenchArgs {
    std::string configs = "hpi_off,hpi_on";
    int pages = 2, crops = 64, repeats = 3, warmup = 1, rounds = 1;
    fs::path json, save_set, measure;
  };
  PipelineArgs a_;
  BenchArgs b_;
};

}  // namespace

std::unique_ptr<Command> make_benchmark_command() { return std::make_unique<BenchmarkCommand>(); }

}  // namespace hpocr::cli
