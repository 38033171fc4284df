#include "hpocr/benchmark.h"

#include <random>

#include <opencv2/imgproc.hpp>

#include "hpocr/error.h"
#include "hpocr/text_renderer.h"

namespace hpocr::bench {
namespace {

const char* const kWords[] = {"invoice", "total",    "amount", "report", "quarter", "delivery", "address", "customer",
                              "order",   "payment",  "account", "balance", "number", "service", "product", "quantity",
                              "price",   "shipping", "market", "growth", "revenue", "summary", "section", "figure"};
const char* const kHanzi[] = {"文字识别", "高性能", "发票", "金额", "合计", "客户", "地址", "日期", "数量", "单价", "报告", "季度"};

std::string random_line(std::mt19937& rng, int words) {
  std::string line;
  for (int i = 0; i < words; ++i) {
    int kind = std::uniform_int_distribution<>(0, 9)(rng);
    std::string w = kind < 6   ? kWords[rng() % std::size(kWords)]
                    : kind < 8 ? std::to_string(std::uniform_int_distribution<>(1, 99999)(rng))
                               : kHanzi[rng() % std::size(kHanzi)];
    line += (line.empty() ? "" : " ") + w;
  }
  return line;
}

BenchImage page(const TextRenderer& font, std::mt19937& rng, int index) {
  BenchImage b{"page" + std::to_string(index), "page", cv::Mat(2000, 1600, CV_8UC3, cv::Scalar(250, 250, 250)), {}};
  const int n = std::uniform_int_distribution<>(30, 60)(rng);
  const int pitch = (2000 - 160) / n, px = std::clamp(pitch * 3 / 5, 16, 34);
  for (int i = 0; i < n; ++i) {
    std::string line = random_line(rng, std::uniform_int_distribution<>(3, 9)(rng));
    while (font.measure(line, px).width > 1600 - 160) line = line.substr(0, line.rfind(' '));
    font.draw(b.image, line, {80, 80 + i * pitch}, px, cv::Scalar(30, 30, 30));
    b.lines.push_back(line);
  }
  return b;
}

BenchImage receipt(const TextRenderer& font, std::mt19937& rng) {
  BenchImage b{"receipt", "receipt", cv::Mat(1800, 560, CV_8UC3, cv::Scalar(240, 244, 246)), {}};
  for (int i = 0; i < 40; ++i) {
    std::string line = std::string(kWords[rng() % std::size(kWords)]) + " " + std::to_string(rng() % 100) + "." +
                       std::to_string(10 + rng() % 90);
    font.draw(b.image, line, {30, 30 + i * 43}, 24, cv::Scalar(40, 40, 40));
    b.lines.push_back(line);
  }
  return b;
}

BenchImage scene(const TextRenderer& font, std::mt19937& rng) {
  BenchImage b{"scene", "scene", cv::Mat(1080, 1440, CV_8UC3), {}};
  for (int y = 0; y < b.image.rows; ++y)  // a smooth colour gradient with noise stands in for a photo
    for (int x = 0; x < b.image.cols; ++x)
      b.image.at<cv::Vec3b>(y, x) = {static_cast<uchar>(60 + x / 12 + rng() % 20), static_cast<uchar>(90 + y / 9 + rng() % 20),
                                     static_cast<uchar>(140 + rng() % 30)};
  const char* words[] = {"OPEN", "CAFE 24h", "出口", "SALE 50%"};
  for (int i = 0; i < 4; ++i) {
    cv::Mat layer(b.image.size(), CV_8UC3, cv::Scalar(0, 0, 0));
    font.draw(layer, words[i], {200 + 250 * (i % 2), 180 + 200 * i}, 72 - 8 * i, cv::Scalar(255, 255, 255));
    cv::Mat rot = cv::getRotationMatrix2D({720.f, 540.f}, -4.0 + 3 * i, 1.0), warped;
    cv::warpAffine(layer, warped, rot, layer.size());
    b.image.setTo(cv::Scalar(250, 250, 250), warped > 128);
    b.lines.push_back(words[i]);
  }
  return b;
}

}  // namespace

std::vector<BenchImage> make_bench_set(int pages, int crops) {
  auto font_path = find_font();
  if (font_path.empty()) throw Error(ErrorCode::Io, "no font installed to render the benchmark set (install fonts-noto-cjk)");
  TextRenderer font(font_path);
  std::mt19937 rng(20261125);
  std::vector<BenchImage> set;
  for (int i = 0; i < pages; ++i) set.push_back(page(font, rng, i));
  set.push_back(receipt(font, rng));
  set.push_back(scene(font, rng));
  for (int i = 0; i < crops; ++i) {
    std::string line = random_line(rng, std::uniform_int_distribution<>(1, 6)(rng));
    cv::Size s = font.measure(line, 32);
    BenchImage b{"line" + std::to_string(i), "line", cv::Mat(48, s.width + 16, CV_8UC3, cv::Scalar(255, 255, 255)), {line}};
    font.draw(b.image, line, {8, 8}, 32, cv::Scalar(20, 20, 20));
    set.push_back(std::move(b));
  }
  return set;
}

}  // namespace hpocr::bench
