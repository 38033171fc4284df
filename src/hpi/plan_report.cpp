#include <string>

#include "format/model_dir.h"
#include "hpi/engine_loader.h"
#include "hpi/int8_cache.h"
#include "hpi/selection.h"
#include "hpocr/error.h"
#include "hpocr/hpi_plan.h"

namespace hpocr {

std::string describe_model_plans(const OcrOptions& o) {
  std::string out;
  for (ModelRole role : kModelRoles) {
    if (!role_used(o, role)) continue;
    const std::string module(role_name(role));
    const std::filesystem::path dir = model_dir(o, role);
    const LoadRequest request = load_request(o, role);  // the module's own hpi_config, else the pipeline's
    try {
      const ModelDir m = open_model_dir(dir, role_label(role));
      out += module + ": " + m.model_name + " [" + to_string(m.format) + "], " + dir.string() + "\n" +
             hpi::make_plan(m, request.device, request.hpi, request.enable_hpi).describe();
      const hpi::Int8Status int8 = hpi::int8_status(m);
      out += "  int8: " + int8.reason + "\n";
      if (int8.usable && !int8.pays) out += "  int8: not picked by HPI by itself: " + int8.slower_reason + "\n";
    } catch (const Error& e) {
      out += module + ": " + e.what() + "\n";
    }
  }
  return out;
}

}  // namespace hpocr
