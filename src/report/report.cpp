// Text and JSON renderings of plans, run reports and status.
#include "tide/report/report.hpp"

#include <fmt/format.h>

#include "tide/util/ansi.hpp"
#include "tide/util/enum_names.hpp"
#include "tide/util/text.hpp"

namespace tide {
namespace {

using util::visible_width;

std::string paint(const std::string& s, const char* code, util::Color color) {
  return util::paint(code, s, color);
}

// A statement as a script line: its ';' goes on a line of its own when a comment ends it.
std::string terminated(const std::string& sql) {
  const size_t last_line = sql.rfind('\n');
  const std::string tail = sql.substr(last_line == std::string::npos ? 0 : last_line + 1);
  return sql + (tail.find("--") != std::string::npos ? "\n;" : ";");
}

std::string commented(const std::string& sql) {
  std::string out = "--   ";
  for (char c : sql) {
    out += c;
    if (c == '\n') out += "--   ";
  }
  return out + ";";
}

std::string backfill_summary(const Step& s) {
  const Section& sec = *s.section;
  std::string text;
  if (sec.keyed()) {
    text = fmt::format("keyed on {}.{}, batches of {}; $1/$2 = first/last key of each batch",
                       sec.table, sec.key.empty() ? "(primary key)" : sec.key, sec.batch_size);
  } else {
    text = "each statement repeated until a run changes no row";
  }
  if (sec.batch_sleep.count() > 0) {
    text += fmt::format("; {} between batches", format_duration(sec.batch_sleep));
  }
  if (s.resume_after_key) {
    text += fmt::format("; resumes after key {}", *s.resume_after_key);
  } else if (s.resume_rows) {
    text += fmt::format("; resumes ({} rows done)", s.resume_rows);
  }
  return text;
}

std::string lock_comment(const PlanContext& ctx, const Statement& st) {
  auto note = ctx.locks.find(&st);
  if (note == ctx.locks.end() || note->second.text.empty()) return "";
  return "-- locks: " + note->second.text + "\n";
}

std::string step_label(const Step& s) {
  return fmt::format("{}_{}", s.migration->version.text, s.migration->name);
}

const char* outcome_name(StepResult::Outcome o) {
  switch (o) {
    case StepResult::Outcome::kDone:
      return "ok";
    case StepResult::Outcome::kFailed:
      return "failed";
    case StepResult::Outcome::kNotRehearsed:
      return "not rehearsed";
    case StepResult::Outcome::kInterrupted:
      return "interrupted";
  }
  return "?";
}

// What an empty plan had nothing to do: "nothing to apply".
constexpr util::EnumName<PlanCommand> kVerbs[] = {{"apply", PlanCommand::kUp},
                                                  {"contract", PlanCommand::kContract},
                                                  {"revert", PlanCommand::kDown}};

nlohmann::json text_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json() : nlohmann::json(s);
}
nlohmann::json ms_or_null(long long v) {
  return v < 0 ? nlohmann::json() : nlohmann::json(v);
}

}  // namespace

std::string render_table(const std::vector<std::vector<std::string>>& rows) {
  // One pass to measure (each cell's width kept), one to write into a buffer sized up front:
  // status prints tables of 10,000 rows.
  std::vector<size_t> widths, cells;
  size_t bytes = 0;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      cells.push_back(visible_width(row[i]));
      widths[i] = std::max(widths[i], cells.back());
      bytes += row[i].size();
    }
  }
  size_t line_width = 1;
  for (size_t w : widths) line_width += w + 2;
  std::string out;
  out.reserve(bytes + rows.size() * line_width);
  size_t cell = 0;
  for (const auto& row : rows) {
    const size_t start = out.size();
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      const size_t width = cells[cell++];
      if (i + 1 < row.size()) out.append(widths[i] - width + 2, ' ');
    }
    while (out.size() > start && out.back() == ' ') out.pop_back();
    out += '\n';
  }
  return out;
}

std::string sqlstate_of(const std::string& error) {
  static const std::string kMark = "(SQLSTATE ";
  const size_t at = error.rfind(kMark);
  if (at == std::string::npos || at + kMark.size() + 6 > error.size()) return "";
  const std::string code = error.substr(at + kMark.size(), 5);
  return error[at + kMark.size() + 5] == ')' ? code : "";
}

std::string render_progress(const BackfillProgress& p, size_t width) {
  const std::string& file = p.step->migration->filename;
  const std::string& version = p.step->migration->version.text;
  const double rate = p.elapsed_s > 0 ? static_cast<double>(p.rows) / p.elapsed_s : 0;
  std::string share, percent;
  if (p.estimated_total > 0) {
    const double pct = std::min(
        100.0, 100.0 * static_cast<double>(p.rows) / static_cast<double>(p.estimated_total));
    share = fmt::format(" of ~{} ({:.0f}%)", p.estimated_total, pct);
    percent = fmt::format(" ({:.0f}%)", pct);
  }
  // While paused for replica lag the line says why ("throttled: replica lag 7.2 s > 5 s").
  const std::string why = p.throttled.empty() ? "" : " · " + p.throttled;
  const std::string paused = p.throttled.empty() ? "" : " · throttled";
  const std::vector<std::string> forms{
      fmt::format("{} backfill: {} rows{} · {:.0f} rows/s · {:.1f}s{}", file, p.rows, share, rate,
                  p.elapsed_s, why),
      fmt::format("{} backfill: {} rows{} · {:.0f} rows/s · {:.1f}s{}", version, p.rows, share,
                  rate, p.elapsed_s, why),
      fmt::format("{}: {} rows{} · {:.0f}/s{}", version, p.rows, percent, rate, paused),
      fmt::format("{}: {} rows{}{}", version, p.rows, percent, paused),
  };
  for (const auto& f : forms) {
    if (width == 0 || visible_width(f) <= width) return f;
  }
  // Cut at a character boundary, leaving a column for the ellipsis.
  const std::string& shortest = forms.back();
  std::string out;
  size_t chars = 0;
  for (char c : shortest) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++chars > width - 1) break;
    out += c;
  }
  return out + "…";
}

std::string render_plan_sql(const Plan& plan, const PlanContext& ctx) {
  std::string out =
      fmt::format("-- tide {} --dry-run against {}: {} step{}\n", to_string(plan.command),
                  ctx.target, plan.steps.size(), util::plural_s(plan.steps.size()));
  if (plan.steps.empty()) return out + "-- nothing to do\n";
  for (const Step& s : plan.steps) {
    const Section& sec = *s.section;
    out += fmt::format("\n-- {} · {} · {}:{} · then {}\n", step_label(s), phase_name(s.phase),
                       s.migration->path, sec.line, state_name(s.state_after));
    if (s.phase == Phase::kBackfill) {
      out += fmt::format("-- backfill in short transactions ({}):\n", backfill_summary(s));
      for (const auto& st : sec.statements) out += lock_comment(ctx, st) + commented(st.sql) + "\n";
      continue;
    }
    if (sec.transactional) {
      out += "BEGIN;\n";
    } else {
      out += "-- transaction:false: statements run one by one, outside a transaction\n";
    }
    for (const auto& set : timeout_settings(
             sec, ctx.lock_timeout,
             sec.transactional ? SettingScope::kTransaction : SettingScope::kSession)) {
      out += set + ";\n";
    }
    for (const auto& st : sec.statements) out += lock_comment(ctx, st) + terminated(st.sql) + "\n";
    if (sec.transactional) {
      out += "COMMIT;\n";
    } else {
      for (const auto& reset : reset_timeouts(sec)) out += reset + ";\n";
    }
  }
  return out;
}

nlohmann::json plan_json(const Plan& plan, const PlanContext& ctx) {
  nlohmann::json steps = nlohmann::json::array();
  for (const Step& s : plan.steps) {
    const Section& sec = *s.section;
    nlohmann::json statements = nlohmann::json::array();
    for (const auto& st : sec.statements) {
      statements.push_back({{"line", st.line}, {"sql", st.sql}});
      auto note = ctx.locks.find(&st);
      if (note != ctx.locks.end()) statements.back()["locks"] = note->second.json;
    }
    nlohmann::json step = {
        {"version", s.migration->version.text},
        {"name", s.migration->name},
        {"file", s.migration->path},
        {"line", sec.line},
        {"phase", phase_name(s.phase)},
        {"transactional", s.transactional()},
        {"lock_timeout_ms", sec.lock_timeout.value_or(ctx.lock_timeout).count()},
        {"statement_timeout_ms",
         sec.statement_timeout ? nlohmann::json(sec.statement_timeout->count()) : nlohmann::json()},
        {"state_before", state_name(s.state_before)},
        {"state_after", state_name(s.state_after)},
        {"statements", statements},
    };
    if (s.phase == Phase::kBackfill) {
      step["backfill"] = {
          {"mode", sec.keyed() ? "keyed" : "repeat_until_zero"},
          {"table", text_or_null(sec.table)},
          {"key", text_or_null(sec.key)},
          {"batch_size", sec.keyed() ? nlohmann::json(sec.batch_size) : nlohmann::json()},
          {"batch_sleep_ms", sec.batch_sleep.count()},
          {"resume_after_key",
           s.resume_after_key ? nlohmann::json(*s.resume_after_key) : nlohmann::json()},
          {"rows_done", s.resume_rows},
      };
    }
    steps.push_back(step);
  }
  return {{"command", to_string(plan.command)},
          {"dry_run", true},
          {"target", ctx.target},
          {"steps", steps}};
}

std::string render_status_text(const std::vector<StatusRow>& rows, util::Color color) {
  if (rows.empty()) return "no migrations\n";
  std::vector<std::vector<std::string>> table{
      {"VERSION", "NAME", "STATE", "KIND", "EXPANDED", "CONTRACTED", "NOTE"}};
  int pending = 0, expanded = 0, failed = 0;
  for (const auto& r : rows) {
    const char* code = "32";
    if (r.state == State::kPending || r.state == State::kBackfilling) {
      code = "33";
      ++pending;
    } else if (r.state == State::kExpanded) {
      code = "36";
      ++expanded;
    } else if (r.state == State::kFailed) {
      code = "31";
      ++failed;
    }
    std::string note;
    if (r.record && r.state == State::kBackfilling) {
      note = fmt::format("{} rows done", r.record->backfill_rows);
    }
    if (r.record && r.state == State::kFailed) note = r.record->error;
    if (r.changed) note = "changed";
    if (r.missing) note = "missing";
    const bool alarm = r.changed || r.missing || r.state == State::kFailed;
    table.push_back({r.version.text, r.name, paint(state_name(r.state), code, color),
                     r.missing ? "?" : (r.two_phase ? "two-phase" : "plain"),
                     r.record ? r.record->expanded_at : "", r.record ? r.record->contracted_at : "",
                     note.empty() ? "" : paint(note, "31", alarm ? color : util::Color::no)});
  }
  return render_table(table) +
         fmt::format("\n{} migration{}: {} pending, {} expanded (awaiting contract){}\n",
                     rows.size(), util::plural_s(rows.size()), pending, expanded,
                     failed ? fmt::format(", {} failed", failed) : "");
}

nlohmann::json status_json(const std::vector<StatusRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json j = {
        {"version", r.version.text},
        {"name", r.name},
        {"state", state_name(r.state)},
        {"changed", r.changed},
        {"missing", r.missing},
        {"two_phase", r.two_phase},
        {"file", r.migration ? nlohmann::json(r.migration->path) : nlohmann::json()}};
    if (r.record) {
      j["expanded_at"] = text_or_null(r.record->expanded_at);
      j["expand_ms"] = ms_or_null(r.record->expand_ms);
      j["contracted_at"] = text_or_null(r.record->contracted_at);
      j["contract_ms"] = ms_or_null(r.record->contract_ms);
      j["applied_by"] = text_or_null(r.record->applied_by);
      j["client_host"] = text_or_null(r.record->client_host);
      j["tool_version"] = text_or_null(r.record->tool_version);
      j["backfill_rows"] = r.record->backfill_rows;
      j["error"] = text_or_null(r.record->error);
    }
    out.push_back(j);
  }
  return {{"migrations", out}};
}

std::string render_run_text(const Plan& plan, const RunReport& report, Rehearsal rehearsal,
                            util::Color color) {
  if (plan.steps.empty()) {
    return fmt::format("nothing to {}\n", util::enum_name(kVerbs, plan.command));
  }
  std::vector<std::vector<std::string>> table;
  for (const auto& r : report.results) {
    const Step& s = *r.step;
    const bool done = r.outcome == StepResult::Outcome::kDone;
    const char* code = done ? "32" : (r.outcome == StepResult::Outcome::kFailed ? "31" : "33");
    std::string detail;
    if (done)
      detail = rehearsal == Rehearsal::yes ? "rolled back"
                                           : fmt::format("-> {}", state_name(s.state_after));
    if (r.outcome == StepResult::Outcome::kNotRehearsed) {
      detail = "transaction:false: cannot be rolled back";
    }
    if (r.rows >= 0) detail += fmt::format(" ({} rows)", r.rows);
    if (r.attempts > 1) detail += fmt::format(" after {} tries", r.attempts);
    table.push_back({step_label(s), phase_name(s.phase),
                     paint(outcome_name(r.outcome), code, color), fmt::format("{}ms", r.ms),
                     detail});
  }
  std::string out = render_table(table);
  for (const auto& r : report.results) {
    if (r.outcome == StepResult::Outcome::kFailed) out += "\nerror: " + r.error + "\n";
  }
  if (report.done_elsewhere) {
    out += fmt::format("{} step{} found done after a reconnect (another runner): not run again\n",
                       report.done_elsewhere, util::plural_s(report.done_elsewhere));
  }
  const size_t accounted =
      std::min(plan.steps.size(), report.results.size() + report.done_elsewhere);
  const size_t skipped = plan.steps.size() - accounted;
  if (skipped) out += fmt::format("{} later step{} not run\n", skipped, util::plural_s(skipped));
  return out;
}

nlohmann::json run_json(const Plan& plan, const RunReport& report, Rehearsal rehearsal) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& r : report.results) {
    const Step& s = *r.step;
    const bool done = r.outcome == StepResult::Outcome::kDone;
    steps.push_back({{"version", s.migration->version.text},
                     {"name", s.migration->name},
                     {"phase", phase_name(s.phase)},
                     {"outcome", outcome_name(r.outcome)},
                     {"ms", r.ms},
                     {"attempts", r.attempts},
                     {"rows", r.rows < 0 ? nlohmann::json() : nlohmann::json(r.rows)},
                     {"state_after", done && rehearsal == Rehearsal::no
                                         ? nlohmann::json(state_name(s.state_after))
                                         : nlohmann::json()},
                     {"error", text_or_null(r.error)}});
  }
  return {{"command", to_string(plan.command)},
          {"rehearse", rehearsal == Rehearsal::yes},
          {"ok", report.ok()},
          {"planned_steps", plan.steps.size()},
          {"done_elsewhere", report.done_elsewhere},
          {"steps", steps}};
}

}  // namespace tide
