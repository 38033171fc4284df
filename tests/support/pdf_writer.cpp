#include "support/pdf_writer.h"

#include <cmath>
#include <cstdio>
#include <string>

#include <opencv2/imgproc.hpp>

#include "hpocr/pdf_document.h"

namespace hpocr::test {
namespace {

/// Builds the file object by object, remembering offsets for the cross-reference table.
class PdfBuilder {
 public:
  PdfBuilder() { append("%PDF-1.4\n"); }

  /// Starts object `id` (objects must be added in id order, from 1).
  void begin(int id) {
    offsets_.push_back(out_.size());
    append(std::to_string(id) + " 0 obj\n");
  }
  void end() { append("endobj\n"); }
  void object(int id, const std::string& body) {
    begin(id);
    append(body + "\n");
    end();
  }
  void stream(int id, const std::string& dict_entries, const std::vector<unsigned char>& data) {
    begin(id);
    append("<< " + dict_entries + " /Length " + std::to_string(data.size()) + " >>\nstream\n");
    out_.append(data.begin(), data.end());
    append("\nendstream\n");
    end();
  }
  std::vector<unsigned char> finish() {
    const size_t xref = out_.size();
    append("xref\n0 " + std::to_string(offsets_.size() + 1) + "\n0000000000 65535 f \n");
    char line[32];
    for (size_t off : offsets_) {
      std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
      append(line);
    }
    append("trailer\n<< /Size " + std::to_string(offsets_.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n");
    return {out_.begin(), out_.end()};
  }

 private:
  void append(const std::string& s) { out_ += s; }
  std::string out_;
  std::vector<size_t> offsets_;
};

std::string points(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

}  // namespace

std::vector<unsigned char> make_pdf(const std::vector<cv::Mat>& pages) {
  // Objects: 1 catalog, 2 page tree, then per page: page, content stream, image.
  PdfBuilder pdf;
  pdf.object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  std::string kids;
  for (size_t i = 0; i < pages.size(); ++i) kids += std::to_string(3 + 3 * i) + " 0 R ";
  pdf.object(2, "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>");
  for (size_t i = 0; i < pages.size(); ++i) {
    const int page = static_cast<int>(3 + 3 * i), content = page + 1, image = page + 2;
    cv::Mat rgb;
    cv::cvtColor(pages[i], rgb, cv::COLOR_BGR2RGB);
    const double w = rgb.cols * 72.0 / kPdfRenderDpi, h = rgb.rows * 72.0 / kPdfRenderDpi;
    pdf.object(page, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + points(w) + " " + points(h) +
                         "] /Resources << /XObject << /Im0 " + std::to_string(image) + " 0 R >> >> /Contents " +
                         std::to_string(content) + " 0 R >>");
    const std::string draw = "q " + points(w) + " 0 0 " + points(h) + " 0 0 cm /Im0 Do Q";
    pdf.stream(content, "", std::vector<unsigned char>(draw.begin(), draw.end()));
    std::vector<unsigned char> pixels(rgb.total() * 3);
    for (int r = 0; r < rgb.rows; ++r) std::copy_n(rgb.ptr<unsigned char>(r), rgb.cols * 3, pixels.data() + r * rgb.cols * 3);
    pdf.stream(image, "/Type /XObject /Subtype /Image /Width " + std::to_string(rgb.cols) + " /Height " +
                          std::to_string(rgb.rows) + " /ColorSpace /DeviceRGB /BitsPerComponent 8", pixels);
  }
  return pdf.finish();
}

std::vector<unsigned char> make_blank_pdf(double width_pt, double height_pt) {
  PdfBuilder pdf;
  pdf.object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  pdf.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  pdf.object(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + points(width_pt) + " " + points(height_pt) + "] >>");
  return pdf.finish();
}

std::vector<unsigned char> make_text_pdf(double width_pt, double height_pt, const std::vector<PdfText>& texts) {
  PdfBuilder pdf;
  pdf.object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  pdf.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  pdf.object(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + points(width_pt) + " " + points(height_pt) +
                    "] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>");
  std::string draw;
  for (const auto& t : texts) {
    const double a = t.degrees * 3.14159265358979 / 180, c = std::cos(a), s = std::sin(a);
    // PDF's y axis points up: the baseline's height above the bottom edge.
    draw += "BT /F1 " + points(t.size) + " Tf " + points(c) + " " + points(s) + " " + points(-s) + " " + points(c) + " " +
            points(t.x) + " " + points(height_pt - t.y) + " Tm (" + t.text + ") Tj ET\n";
  }
  pdf.stream(4, "", std::vector<unsigned char>(draw.begin(), draw.end()));
  pdf.object(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  return pdf.finish();
}

}  // namespace hpocr::test
