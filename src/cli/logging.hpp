// Logs go to stderr through spdlog: plain text for people, one JSON object a line for CI.
#pragma once

#include <string>

namespace tide::cli {
void setup_logging(const std::string& format, int verbose, bool quiet, bool color);
}
