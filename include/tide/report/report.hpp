// Rendering results for people (text) and programs (JSON), in one place. Pure.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tide/plan/plan.hpp"
#include "tide/plan/run_result.hpp"
#include "tide/util/ansi.hpp"

namespace tide {

// What a planned statement locks (from the lint layer's lock analysis), for the preview.
struct LockNote {
  std::string text;     // "ACCESS EXCLUSIVE on users (rewrites the table; ~10.2M rows, 1.6 GB)"
  nlohmann::json json;  // [{table, mode, rewrites, scans, new, rows, bytes}]
};

struct PlanContext {
  std::string target;  // describe() of the connection: never a secret
  Millis lock_timeout{5000};
  std::map<const Statement*, LockNote> locks = {};  // --dry-run: shown before each statement
};

// The plan as a script psql can run: transactions, timeouts and SQL in order. Backfills, which
// tide runs batch by batch, are shown as comments with their batching.
std::string render_plan_sql(const Plan& plan, const PlanContext& ctx);
nlohmann::json plan_json(const Plan& plan, const PlanContext& ctx);

std::string render_status_text(const std::vector<StatusRow>& rows, util::Color color);
nlohmann::json status_json(const std::vector<StatusRow>& rows);

// A rehearsal (--rehearse) rolled its steps back: they report "rolled back", no new state.
enum class Rehearsal { no, yes };
std::string render_run_text(const Plan& plan, const RunReport& report, Rehearsal rehearsal,
                            util::Color color);
nlohmann::json run_json(const Plan& plan, const RunReport& report, Rehearsal rehearsal);

// A backfill's progress as one line of at most `width` columns (0: no limit): the full line
// when it fits, then shorter forms, then cut with "…" — a live line must never wrap.
std::string render_progress(const BackfillProgress& p, size_t width);

// The SQLSTATE of a step's error text ("… (SQLSTATE 42P01)"); empty when it has none.
std::string sqlstate_of(const std::string& error);

// Column-aligned text table; cells may hold ANSI colour (ignored when measuring widths).
std::string render_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace tide
