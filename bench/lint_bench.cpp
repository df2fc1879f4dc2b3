// Times `tide lint` over a migrations directory: loading and parsing the files, then the
// rules. Built only with -DTIDE_BENCH=ON; bench/lint_bench.sh generates the files.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "tide/lint/lint.hpp"

namespace {
double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tide_lint_bench DIR [RUNS]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  std::vector<double> load, rules, total, cpu;
  tide::lint::Report report;
  for (int i = 0; i < runs; ++i) {
    const std::clock_t cpu_start = std::clock();
    auto start = std::chrono::steady_clock::now();
    tide::MigrationSet set = tide::load_migrations(argv[1]);
    load.push_back(ms_since(start));
    auto linting = std::chrono::steady_clock::now();
    report = tide::lint::lint(set);
    rules.push_back(ms_since(linting));
    total.push_back(ms_since(start));
    cpu.push_back(1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
  }
  std::printf("%d migrations, %zu findings, %zu problems\n", report.migrations,
              report.findings.size(), report.problems.size());
  std::printf(
      "median of %d runs: load+parse %.0f ms, lint %.0f ms, total %.0f ms wall, %.0f ms CPU\n",
      runs, median(load), median(rules), median(total), median(cpu));
  return 0;
}
