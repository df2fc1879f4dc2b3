// Report renderers: text for people (and CircleCI logs), JSON for tools, and GitHub
// Actions workflow commands that annotate the pull request's diff.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "tide/lint.hpp"

namespace tide::lint {
namespace {

std::string location(const std::string& file, int line) {
  return line > 0 ? fmt::format("{}:{}", file, line) : file;
}

std::string plural(int n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string summary(const Report& r) {
  if (r.errors() == 0 && r.warnings() == 0) {
    return fmt::format("{} checked: no problems", plural(r.migrations, "migration"));
  }
  return fmt::format("{}, {} in {}", plural(r.errors(), "error"), plural(r.warnings(), "warning"),
                     plural(r.migrations, "migration"));
}

// GitHub workflow command escaping: data escapes %, CR, LF; properties also ':' and ','.
std::string escape_data(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}

std::string escape_property(const std::string& s) {
  std::string out;
  for (char c : escape_data(s)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string render_text(const Report& report, bool color) {
  auto paint = [&](const char* code, const std::string& s) {
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
  };
  std::string out;
  for (const Problem& p : report.problems) {
    out += fmt::format("{}: {} {}\n", location(p.file, p.line), paint("1;31", "error"), p.message);
  }
  for (const Problem& p : report.skipped) {
    out +=
        fmt::format("{}: {} {}\n", location(p.file, p.line), paint("1;33", "warning"), p.message);
  }
  for (const Finding& f : report.findings) {
    const bool error = f.severity == Severity::kError;
    out += fmt::format("{}: {} [{}] {}\n", location(f.file, f.line),
                       paint(error ? "1;31" : "1;33", severity_name(f.severity)),
                       paint("36", f.rule), f.message);
    out += fmt::format("    {} {}\n", paint("2", "fix:"), f.fix);
  }
  if (!out.empty()) out += "\n";
  return out + summary(report) + "\n";
}

std::string render_json(const Report& report) {
  nlohmann::ordered_json doc;
  doc["migrations"] = report.migrations;
  doc["errors"] = report.errors();
  doc["warnings"] = report.warnings();
  doc["findings"] = nlohmann::ordered_json::array();
  for (const Finding& f : report.findings) {
    doc["findings"].push_back({{"rule", f.rule},
                               {"severity", severity_name(f.severity)},
                               {"file", f.file},
                               {"line", f.line},
                               {"version", f.version},
                               {"phase", phase_name(f.phase)},
                               {"message", f.message},
                               {"fix", f.fix}});
  }
  doc["problems"] = nlohmann::ordered_json::array();
  for (const Problem& p : report.problems) {
    doc["problems"].push_back({{"file", p.file}, {"line", p.line}, {"message", p.message}});
  }
  doc["skipped"] = nlohmann::ordered_json::array();
  for (const Problem& p : report.skipped) {
    doc["skipped"].push_back({{"file", p.file}, {"line", p.line}, {"message", p.message}});
  }
  // Replace invalid UTF-8 from file content rather than throwing.
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string render_github(const Report& report) {
  std::string out;
  auto command = [&](const char* level, const std::string& file, int line, const std::string& title,
                     const std::string& message) {
    out += fmt::format("::{} file={}", level, escape_property(file));
    if (line > 0) out += fmt::format(",line={}", line);
    out += fmt::format(",title={}::{}\n", escape_property(title), escape_data(message));
  };
  for (const Problem& p : report.problems) command("error", p.file, p.line, "tide", p.message);
  for (const Problem& p : report.skipped) command("warning", p.file, p.line, "tide", p.message);
  for (const Finding& f : report.findings) {
    command(f.severity == Severity::kError ? "error" : "warning", f.file, f.line, f.rule,
            f.message + "\nfix: " + f.fix);
  }
  return out + summary(report) + "\n";
}

}  // namespace tide::lint
