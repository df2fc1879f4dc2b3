// Report renderers: text for people (and CircleCI logs), JSON for tools, and GitHub
// Actions workflow commands that annotate the pull request's diff.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "lint/tree.hpp"
#include "tide/lint/lint.hpp"
#include "tide/util/ansi.hpp"
#include "tide/util/text.hpp"

namespace tide::lint {
namespace {

std::string location(const std::string& file, int line) {
  return line > 0 ? fmt::format("{}:{}", file, line) : file;
}

std::string summary(const Report& r) {
  const std::string infos = r.infos() ? fmt::format(" ({} on small tables, shown as info)",
                                                    util::plural(r.infos(), "finding"))
                                      : "";
  if (r.errors() == 0 && r.warnings() == 0) {
    return fmt::format("{} checked: no problems{}", util::plural(r.migrations, "migration"), infos);
  }
  return fmt::format("{}, {} in {}{}", util::plural(r.errors(), "error"),
                     util::plural(r.warnings(), "warning"), util::plural(r.migrations, "migration"),
                     infos);
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

std::string render_text(const Report& report, util::Color color) {
  auto paint = [&](const char* code, const std::string& s) { return util::paint(code, s, color); };
  std::string out;
  for (const Problem& p : report.problems) {
    out += fmt::format("{}: {} {}\n", location(p.file, p.line), paint("1;31", "error"), p.message);
  }
  for (const Problem& p : report.skipped) {
    out +=
        fmt::format("{}: {} {}\n", location(p.file, p.line), paint("1;33", "warning"), p.message);
  }
  for (const Finding& f : report.findings) {
    const char* colour = f.severity == Severity::kError     ? "1;31"
                         : f.severity == Severity::kWarning ? "1;33"
                                                            : "1;34";
    out += fmt::format("{}: {} [{}] {}\n", location(f.file, f.line),
                       paint(colour, severity_name(f.severity)), paint("36", f.rule), f.message);
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
  doc["infos"] = report.infos();
  doc["findings"] = nlohmann::ordered_json::array();
  for (const Finding& f : report.findings) {
    doc["findings"].push_back(
        {{"rule", f.rule},
         {"severity", severity_name(f.severity)},
         {"file", f.file},
         {"line", f.line},
         {"version", f.version},
         {"phase", phase_name(f.phase)},
         {"message", f.message},
         {"fix", f.fix},
         {"table", f.table.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(f.table)}});
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
    command(f.severity == Severity::kError     ? "error"
            : f.severity == Severity::kWarning ? "warning"
                                               : "notice",
            f.file, f.line, f.rule, f.message + "\nfix: " + f.fix);
  }
  return out + summary(report) + "\n";
}

}  // namespace tide::lint

namespace tide::lint {
namespace {

std::string human_count(double n) {
  if (n >= 1e9) return fmt::format("{:.1f}G", n / 1e9);
  if (n >= 1e6) return fmt::format("{:.1f}M", n / 1e6);
  if (n >= 1e4) return fmt::format("{:.0f}k", n / 1e3);
  return fmt::format("{:.0f}", n);
}

std::string human_bytes(long long b) {
  const double d = static_cast<double>(b);
  if (d >= 1024.0 * 1024 * 1024) return fmt::format("{:.1f} GB", d / (1024.0 * 1024 * 1024));
  if (d >= 1024.0 * 1024) return fmt::format("{:.1f} MB", d / (1024.0 * 1024));
  if (d >= 1024.0) return fmt::format("{:.0f} kB", d / 1024.0);
  return fmt::format("{} bytes", b);
}

const TableSize* size_of(const TableSizes* sizes, const std::string& table) {
  if (!sizes) return nullptr;
  auto it = sizes->find(table);
  return it == sizes->end() ? nullptr : &it->second;
}

}  // namespace

std::string describe_size(const TableSize& size) {
  if (size.rows < 0) return human_bytes(size.bytes) + " (never analysed: row count unknown)";
  return fmt::format("~{} rows, {}", human_count(size.rows), human_bytes(size.bytes));
}

std::string describe_locks(const StatementLocks& locks, const TableSizes* sizes) {
  std::string out;
  for (const TableLock& l : locks) {
    std::vector<std::string> notes;
    if (l.rewrites) {
      notes.push_back("rewrites the table");
    } else if (l.scans) {
      notes.push_back("reads every row");
    }
    if (l.is_new) {
      notes.push_back("no rows yet");
    } else if (const TableSize* size = size_of(sizes, l.table)) {
      notes.push_back(describe_size(*size));
    }
    if (!out.empty()) out += "; ";
    out += fmt::format("{} on {}", l.mode, display_name(l.table));
    if (!notes.empty()) out += " (" + fmt::format("{}", fmt::join(notes, ", ")) + ")";
  }
  return out;
}

nlohmann::json locks_json(const StatementLocks& locks, const TableSizes* sizes) {
  nlohmann::json out = nlohmann::json::array();
  for (const TableLock& l : locks) {
    nlohmann::json entry = {{"table", l.table}, {"mode", l.mode},  {"rewrites", l.rewrites},
                            {"scans", l.scans}, {"new", l.is_new}, {"rows", nullptr},
                            {"bytes", nullptr}};
    if (const TableSize* size = size_of(sizes, l.table)) {
      if (size->rows >= 0) entry["rows"] = static_cast<long long>(size->rows);
      entry["bytes"] = size->bytes;
    }
    out.push_back(entry);
  }
  return out;
}

}  // namespace tide::lint
