// The linter's driver: walks migrations in version order and their sections in the order
// tide runs them, shows each statement to the rules, then applies opt-out comments and
// severities. The schema model is fed every statement, reported or not, so rules see
// what earlier migrations created.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <thread>
#include <utility>

#include "lint/allow.hpp"
#include "lint/rule.hpp"
#include "tide/error.hpp"
#include "tide/util/file.hpp"

namespace tide::lint {
namespace {

// The file's text ("" for a migration made in memory, with no file); nullopt (and `error` set)
// when the file is there but cannot be read. Runs on worker threads, so it reports instead of
// throwing.
std::optional<std::string> read_source(const Migration& m, const Options& options,
                                       std::string& error) {
  auto it = options.sources.find(m.path);
  if (it != options.sources.end()) return it->second;
  if (!m.source.empty()) return m.source;  // as load_migrations read it
  util::FileText file = util::read_file(m.path);
  if (file.missing) return std::string();
  if (!file) error = fmt::format("{}: cannot read it: {}", m.path, file.error);
  return std::move(file.content);
}

// The sections of a migration in the order tide runs them; down last (it reverts expand).
std::vector<const Section*> run_order(const Migration& m) {
  std::vector<const Section*> order = {&m.expand};
  for (const Section& b : m.backfills) order.push_back(&b);
  if (m.contract) order.push_back(&*m.contract);
  if (m.down) order.push_back(&*m.down);
  return order;
}

// A migration read for linting: its file text (for opt-out comments) and the parse trees
// of its statements in run order (nullopt for one that does not parse).
struct Parsed {
  std::string text;
  std::vector<std::optional<Json>> trees;
};
using Trees = std::vector<std::optional<Json>>;

// Parsing dominates the linter's time and needs no order, so it runs on every core;
// the rules then walk the trees in order. libpg_query is thread-safe.
std::vector<Parsed> parse_all(const std::vector<const Migration*>& ms, size_t begin, size_t end,
                              const Options& options) {
  std::vector<Parsed> out(end - begin);
  std::vector<std::string> errors(end - begin);
  std::atomic<size_t> next{begin};
  auto work = [&] {
    for (size_t i; (i = next++) < end;) {
      auto text = read_source(*ms[i], options, errors[i - begin]);
      if (!text) continue;
      out[i - begin].text = std::move(*text);
      for (const Section* s : run_order(*ms[i])) {
        for (const Statement& st : s->statements)
          out[i - begin].trees.push_back(parse_statement(st.sql));
      }
    }
  };
  const size_t cores = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  std::vector<std::thread> threads;
  for (size_t t = 1; t < std::min(cores, end - begin); ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  for (const std::string& e : errors) {
    if (!e.empty()) throw usage_error(e);
  }
  return out;
}

struct Raw {
  const Rule* rule;
  Hit hit;
  Phase phase;
  int first, last;  // the lines an opt-out comment must cover
  int ordinal;      // the statement's place in the migration (Schema::statements_seen)
};

class Linter {
 public:
  Linter(const Options& options, Report& report) : options_(options), report_(report) {
    schema_.set_time_zone(options.time_zone);
    for (const Rule& rule : rule_table()) {
      auto it = options.severity_overrides.find(rule.info.name);
      severities_.push_back(it == options.severity_overrides.end() ? rule.info.default_severity
                                                                   : it->second);
    }
  }

  void migration(const Migration& m, const Parsed& parsed) {
    const bool reported = options_.only.empty() || options_.only.count(m.path) > 0;
    schema_.begin_migration();
    raw_.clear();
    auto tree = parsed.trees.cbegin();
    for (const Section* s : run_order(m)) section(m, *s, reported, tree);
    if (!reported) return;
    ++report_.migrations;
    for (const Rule& rule : rule_table()) {
      if (!rule.check_migration || severity(rule) == Severity::kOff) continue;
      std::vector<Hit> hits;
      rule.check_migration(m, hits);
      for (Hit& h : hits) {
        const int line = h.line;
        raw_.push_back({&rule, std::move(h), Phase::kExpand, line, line, 0});
      }
    }
    finish(m, parsed.text);
  }

 private:
  Severity severity(const Rule& rule) const {
    return severities_[static_cast<size_t>(&rule - rule_table().data())];
  }

  void section(const Migration& m, const Section& s, bool reported, Trees::const_iterator& trees) {
    schema_.begin_phase(s.phase);
    std::vector<Hit> hits;
    for (const Statement& st : s.statements) {
      const std::optional<Json>& tree = *trees++;
      if (!tree) continue;  // the file parser reported the syntax error
      if (reported) {
        const int last = st.line + static_cast<int>(std::count(st.sql.begin(), st.sql.end(), '\n'));
        StatementContext ctx{m, s, st, *tree, schema_, s.transactional};
        for (const Rule& rule : rule_table()) {
          if (!rule.check_statement || severity(rule) == Severity::kOff) continue;
          if (s.phase == Phase::kDown && !rule.in_down) continue;
          hits.clear();
          try {
            rule.check_statement(ctx, hits);
          } catch (const nlohmann::json::exception&) {
            // A parse-tree shape the rule does not expect: no finding rather than a crash.
            hits.clear();
          }
          for (Hit& h : hits) {
            raw_.push_back(
                {&rule, std::move(h), s.phase, st.line, last, schema_.statements_seen() + 1});
          }
        }
      }
      // Down reverts expand: it does not add to what later migrations can rely on.
      if (s.phase != Phase::kDown) {
        try {
          schema_.apply(*tree);
        } catch (const nlohmann::json::exception&) {
          // Same: an unexpected shape only leaves the model less complete.
        }
      }
      if (!s.transactional) schema_.end_transaction();
    }
    schema_.end_transaction();
  }

  void add(const Migration& m, const Rule& rule, Hit hit, Phase phase) {
    Severity sev = severity(rule);
    weigh_by_size(hit, sev);
    report_.findings.push_back(Finding{rule.info.name, sev, m.path, hit.line, m.version.text, phase,
                                       std::move(hit.message), std::move(hit.fix),
                                       std::move(hit.table)});
  }

  // A connected lint knows how big the table is: small ones drop to info, big ones say so.
  void weigh_by_size(Hit& hit, Severity& sev) const {
    if (!options_.sizes || hit.table.empty() || sev == Severity::kOff) return;
    auto it = options_.sizes->find(hit.table);
    if (it == options_.sizes->end()) return;  // not there yet: a pending migration makes it
    const TableSize& size = it->second;
    const std::string what = display_name(hit.table) + ": " + describe_size(size);
    if (size.rows >= 0 && size.rows <= options_.small.rows && size.bytes <= options_.small.bytes) {
      sev = Severity::kInfo;
      hit.message += " — but " + what + ", under the lint size threshold";
    } else {
      hit.message += " (" + what + ")";
    }
  }

  void finish(const Migration& m, const std::string& text) {
    AllowComments allows(text);
    const size_t first_finding = report_.findings.size();
    for (Raw& r : raw_) {
      if (!r.hit.replaces.empty() && schema_.created_at(r.hit.replaces) >= r.ordinal) continue;
      if (r.hit.moot_if_table_dropped && schema_.dropped_at(r.hit.table) > r.ordinal) continue;
      if (!allows.allows(r.rule->info.name, r.first, r.last))
        add(m, *r.rule, std::move(r.hit), r.phase);
    }
    for (const Allow& a : allows.all()) {
      if (!a.error.empty()) {
        add(m, rule("invalid-allow"), Hit{a.line, "tide:allow comment " + a.error, kAllowFix},
            Phase::kExpand);
      } else if (!a.used && !names_disabled_rule(a)) {
        add(m, rule("unused-allow"),
            Hit{a.line,
                "tide:allow comment suppresses nothing: no finding of its rules on the "
                "statement below it or on its own line",
                "remove it, or move it right above the statement it is meant for"},
            Phase::kExpand);
      }
    }
    report_.findings.erase(
        std::remove_if(report_.findings.begin() + first_finding, report_.findings.end(),
                       [](const Finding& f) { return f.severity == Severity::kOff; }),
        report_.findings.end());
    std::stable_sort(report_.findings.begin() + first_finding, report_.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.line < b.line; });
  }

  bool names_disabled_rule(const Allow& a) const {
    for (const auto& name : a.rules) {
      for (const Rule& r : rule_table()) {
        if (r.info.name == name && severity(r) == Severity::kOff) return true;
      }
    }
    return false;
  }

  static const Rule& rule(const char* name) {
    for (const Rule& r : rule_table()) {
      if (r.info.name == name) return r;
    }
    return rule_table().front();
  }

  static constexpr const char* kAllowFix =
      "write '-- tide:allow RULE[, RULE…] because <reason>' with rule names from docs/lint.md";

  const Options& options_;
  Report& report_;
  Schema schema_;
  std::vector<Raw> raw_;
  std::vector<Severity> severities_;  // by index in rule_table()
};

}  // namespace

int StatementContext::line_of(const Json& body) const {
  const int loc = location_of(body);
  if (loc < 0 || static_cast<size_t>(loc) > statement.sql.size()) return statement.line;
  return statement.line +
         static_cast<int>(std::count(statement.sql.begin(), statement.sql.begin() + loc, '\n'));
}

int Report::errors() const {
  return static_cast<int>(problems.size()) +
         static_cast<int>(std::count_if(findings.begin(), findings.end(), [](const Finding& f) {
           return f.severity == Severity::kError;
         }));
}

int Report::infos() const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(), [](const Finding& f) {
    return f.severity == Severity::kInfo;
  }));
}

int Report::warnings() const {
  return static_cast<int>(skipped.size()) +
         static_cast<int>(std::count_if(findings.begin(), findings.end(), [](const Finding& f) {
           return f.severity == Severity::kWarning;
         }));
}

Report lint(const std::vector<Migration>& migrations, const Options& options) {
  Report report;
  std::vector<const Migration*> order;
  for (const Migration& m : migrations) {
    if (!m.unparsed) {
      order.push_back(&m);
    } else if (options.only.empty() || options.only.count(m.path)) {
      report.skipped.push_back(*m.unparsed);
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const Migration* a, const Migration* b) { return a->version < b->version; });
  Linter linter(options, report);
  // Chunks bound the memory held by parse trees. The next chunk is parsed while the rules walk
  // this one (a pipeline: the rules run on one thread), and a chunk's trees are freed off it.
  constexpr size_t kChunk = 500;
  auto parse_chunk = [&](size_t begin, std::vector<Parsed> done) {
    return std::async(std::launch::async, [&, begin, done = std::move(done)]() mutable {
      done.clear();
      return parse_all(order, begin, std::min(order.size(), begin + kChunk), options);
    });
  };
  std::future<std::vector<Parsed>> next;
  if (!order.empty()) next = parse_chunk(0, {});
  std::vector<Parsed> parsed;
  for (size_t begin = 0; begin < order.size(); begin += kChunk) {
    std::vector<Parsed> done = std::exchange(parsed, next.get());
    const size_t end = std::min(order.size(), begin + kChunk);
    if (end < order.size()) next = parse_chunk(end, std::move(done));
    for (size_t i = begin; i < end; ++i) linter.migration(*order[i], parsed[i - begin]);
  }
  return report;
}

Report lint(const MigrationSet& set, const Options& options) {
  Report report = lint(set.migrations, options);
  for (const Problem& p : set.problems) {
    if (options.only.empty() || options.only.count(p.file)) report.problems.push_back(p);
  }
  return report;
}

}  // namespace tide::lint
