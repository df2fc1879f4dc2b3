// The shared tail of up, contract and down: preview (--dry-run), rehearse or run a plan,
// then report it.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

#include "command.hpp"
#include "context.hpp"
#include "tide/plan/plan.hpp"

namespace tide::cli {

struct ApplyFlags {
  bool dry_run = false;
  bool rehearse = false;
  std::string format = "text";
  int retries = -1;  // -1: config `retries:`
  bool allow_out_of_order = false;
};

void add_apply_flags(CLI::App* cmd, ApplyFlags& f);
// The needs of a run with these flags: --dry-run reads only and takes no lock, --rehearse
// rolls every transactional step back.
Needs apply_needs(Needs row, const ApplyFlags& f);
// --allow-out-of-order, else tide.yaml's `out_of_order:`.
OutOfOrder out_of_order(bool allow_flag, const Config& config);
// Throws exit 3 listing every problem, when there is one.
void require_no_problems(const std::vector<Problem>& problems, const std::string& what);
// Reads the records, then `make` checks and plans from them; the preconditions the database can
// answer are checked too. A connection lost meanwhile is reconnected (the lock taken again) and
// the plan made again, as for a lost step (plan_with_reconnects).
Plan plan_run(const Context& ctx, Target& target,
              const std::function<Plan(const std::vector<Record>&)>& make);
// Runs or previews the plan and prints the result; returns the exit code.
int apply_plan(const Context& ctx, Target& target, const Plan& plan, const ApplyFlags& f);

}  // namespace tide::cli
