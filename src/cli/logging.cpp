// spdlog setup: text (coloured on a terminal) or JSON lines on stderr, with the structured
// fields of tide/log_fields.hpp; and the live progress line that shares stderr with them.
#include "logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>

#include "context.hpp"
#include "tide/util/log_fields.hpp"

namespace tide::cli {
namespace {

// What the live line shows; `shown` is what a signal handler may look at.
std::atomic<bool> shown{false};
std::mutex line_mutex;
std::string line_text;

void write_all(const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(STDERR_FILENO, s.data() + done, s.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

class JsonSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch());
    const auto level = spdlog::level::to_string_view(msg.level);
    nlohmann::json line = {{"ts_ms", ms.count()},
                           {"level", std::string(level.data(), level.size())},
                           {"msg", std::string(msg.payload.data(), msg.payload.size())}};
    const LogFields& f = current_log_fields();
    if (!f.version.empty()) line["version"] = f.version;
    if (!f.phase.empty()) line["phase"] = f.phase;
    if (f.rows >= 0) line["rows"] = f.rows;
    if (f.ms >= 0) line["ms"] = f.ms;
    if (!f.sqlstate.empty()) line["sqlstate"] = f.sqlstate;
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

// Text lines, with the live progress line cleared before and redrawn after each.
class TextSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit TextSink(bool color)
      : inner_(std::make_shared<spdlog::sinks::stderr_color_sink_st>(
            color ? spdlog::color_mode::always : spdlog::color_mode::never)) {}
  spdlog::sinks::sink& inner() { return *inner_; }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::lock_guard<std::mutex> lock(line_mutex);
    const bool redraw = shown.load();
    if (redraw) write_all("\r\033[K");
    inner_->log(msg);
    inner_->flush();
    if (redraw) write_all(line_text);
  }
  void flush_() override { inner_->flush(); }

 private:
  std::shared_ptr<spdlog::sinks::stderr_color_sink_st> inner_;
};

}  // namespace

void setup_logging(const GlobalOptions& g) {
  std::shared_ptr<spdlog::logger> logger;
  if (g.log_format == "json") {
    logger = std::make_shared<spdlog::logger>("tide", std::make_shared<JsonSink>());
  } else {
    auto sink = std::make_shared<TextSink>(wants_color(g, STDERR_FILENO));
    sink->inner().set_pattern(g.verbose > 0 ? "%H:%M:%S.%e %^%l%$: %v" : "%^%l%$: %v");
    logger = std::make_shared<spdlog::logger>("tide", sink);
  }
  logger->set_level(g.quiet          ? spdlog::level::warn
                    : g.verbose >= 2 ? spdlog::level::trace
                    : g.verbose == 1 ? spdlog::level::debug
                                     : spdlog::level::info);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void show_progress_line(const std::string& text) {
  std::lock_guard<std::mutex> lock(line_mutex);
  line_text = text;
  write_all("\r\033[K" + text);
  shown.store(true);
}

void end_progress_line() {
  if (!shown.exchange(false)) return;
  static const char kNewline[] = "\n";
  const ssize_t n = ::write(STDERR_FILENO, kNewline, sizeof kNewline - 1);
  (void)n;
}

size_t terminal_width() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    const long n = std::strtol(c, nullptr, 10);
    if (n > 0) return static_cast<size_t>(n);
  }
  return 80;
}

}  // namespace tide::cli
