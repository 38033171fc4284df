#include <gtest/gtest.h>
#include "cli.h"
TEST(Cli, ParseBool) { EXPECT_TRUE(hpocr::cli::parse_bool("True")); }
