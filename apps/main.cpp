#include "cli.h"

int main(int argc, char** argv) { return hpocr::cli::run(argc, argv); }
