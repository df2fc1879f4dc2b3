// Logs go to stderr through spdlog: plain text for people, one JSON object a line for CI.
// The live progress line shares stderr with them, so it lives here too.
#pragma once

#include <string>

namespace tide::cli {

struct GlobalOptions;

// As the global flags say: --log-format, -v/-vv, -q, and colour on stderr (wants_color).
void setup_logging(const GlobalOptions& g);

// The live progress line at the bottom of a terminal's stderr: each call replaces the line
// (the caller fits it to terminal_width()); a log line written meanwhile clears it first and
// redraws it after.
void show_progress_line(const std::string& text);
// Ends the live line, leaving its last text on a line of its own. Does nothing when no line is
// shown. Async-signal-safe (write(2) and an atomic only), so a SIGINT/SIGTERM handler may call
// it before the process says why it stops.
void end_progress_line();
// Columns of the terminal on stderr (TIOCGWINSZ, else $COLUMNS, else 80).
size_t terminal_width();

}  // namespace tide::cli
