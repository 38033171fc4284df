// `hpocr install_hpi_deps cpu|gpu`: installs the inference runtimes HPI can use into $HPOCR_HOME.
#pragma once
#include <string>

namespace hpocr::cli {

/// Installs (idempotently) and reports what it did on stdout; false when something could not be installed.
bool install_hpi_deps(const std::string& device);

}  // namespace hpocr::cli
