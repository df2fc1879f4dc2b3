// What the runner's unit tests share: migrations parsed from text, an observer that records
// what the runner reports, and a target on a fake database whose runner never sleeps. Backfill
// workers report and sleep from their own threads, so both record under a lock.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fake_database.hpp"
#include "tide/db/runner.hpp"
#include "tide/db/target.hpp"

namespace tide::test {

inline Migration make(const std::string& version, const std::string& body) {
  std::vector<Problem> problems;
  Migration m = parse_migration("migrations/" + version + "_m" + version + ".sql", body, problems);
  REQUIRE(problems.empty());
  return m;
}

inline std::string plain(const std::string& table) {
  return "-- migrate:up\nCREATE TABLE " + table + " (id int);\n-- migrate:down\nDROP TABLE " +
         table + ";\n";
}

// Records what the runner reports along the way.
struct Observed : RunObserver {
  std::mutex mu;
  std::vector<std::string> events;
  std::vector<Millis> pauses;
  void retrying(const Step& s, int attempt, int tries, Millis pause,
                const std::string& sqlstate) override {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(s.migration->version.text + " retry " + std::to_string(attempt) + "/" +
                     std::to_string(tries) + " " + sqlstate);
    pauses.push_back(pause);
  }
  void reconnecting(const std::string& where, const std::string&) override {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back("reconnecting at " + where);
  }
  void worker_reconnecting(const Step& s, const std::string&) override {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(s.migration->version.text + " worker reconnecting");
  }
  void throttled(const Step& s, const std::string& note, bool released) override {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(s.migration->version.text + (released ? " released: " : " throttled: ") +
                     note);
  }
  void done_elsewhere(size_t steps) override {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back("done elsewhere " + std::to_string(steps));
  }
};

// A target on a fake database, the files, and a runner's settings that never sleep.
struct Fixture {
  FakeDatabase* db = nullptr;
  std::unique_ptr<Target> target;
  MigrationSet files;
  RunSettings settings;
  std::mutex slept_mu;
  std::vector<Millis> slept;
  Observed observed;
  Plan plan;

  explicit Fixture(std::vector<Migration> migrations, TargetMode mode = TargetMode::kMigrate) {
    auto fake = std::make_unique<FakeDatabase>();
    db = fake.get();
    target = std::make_unique<Target>(std::move(fake), QualifiedName{"public", "tide_migrations"},
                                      mode, TargetOptions{});
    files.migrations = std::move(migrations);
    settings.sleep = [this](Millis m) {
      std::lock_guard<std::mutex> lock(slept_mu);
      slept.push_back(m);
    };
    db->log.clear();  // only what the run sends
  }
  // Plans `up` from the records, then (after `arm`, which scripts failures) runs it.
  RunReport up(const std::function<void()>& arm = {}) {
    plan = plan_up(files, target->records(), {});
    db->log.clear();
    if (arm) arm();
    Runner runner(*target, settings, &observed);
    return runner.run(plan);
  }
};

}  // namespace tide::test
