#include "hpocr/quantize.h"

#include "hpocr/pipeline.h"
#include "quant/int8_build.h"

namespace hpocr::quant {

nlohmann::json build_int8_models(const BuildRequest& request) {
  // The guard compares whole pipelines: quant sits below the pipeline, so the pipeline is passed in.
  return build_int8_models(request, [](const OcrOptions& options, const std::vector<LabelledImage>& set) {
    const OcrPipeline pipeline(options);
    std::vector<OcrResult> out;
    out.reserve(set.size());
    for (const auto& image : set) out.push_back(pipeline.predict(image.image, image.name));
    return out;
  });
}

}  // namespace hpocr::quant
