// spdlog setup: text (coloured on a terminal) or JSON lines on stderr.
#include "logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

namespace tide::cli {
namespace {

class JsonSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch());
    const auto level = spdlog::level::to_string_view(msg.level);
    nlohmann::json line = {{"ts_ms", ms.count()},
                           {"level", std::string(level.data(), level.size())},
                           {"msg", std::string(msg.payload.data(), msg.payload.size())}};
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

void setup_logging(const std::string& format, int verbose, bool quiet, bool color) {
  std::shared_ptr<spdlog::logger> logger;
  if (format == "json") {
    logger = std::make_shared<spdlog::logger>("tide", std::make_shared<JsonSink>());
  } else {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(
        color ? spdlog::color_mode::automatic : spdlog::color_mode::never);
    logger = std::make_shared<spdlog::logger>("tide", sink);
    logger->set_pattern(verbose > 0 ? "%H:%M:%S.%e %^%l%$: %v" : "%^%l%$: %v");
  }
  logger->set_level(quiet          ? spdlog::level::warn
                    : verbose >= 2 ? spdlog::level::trace
                    : verbose == 1 ? spdlog::level::debug
                                   : spdlog::level::info);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

}  // namespace tide::cli
