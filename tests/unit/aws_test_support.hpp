// Test fixtures for the aws tests: a clean AWS environment per test, temp files, and the fake
// AWS endpoints (tests/aws/fake_aws.py) on loopback.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "aws/http.hpp"

extern char** environ;

namespace tide::aws::testing {

inline std::string python() {
  const char* p = std::getenv("TIDE_PYTHON");
  return p && *p ? p : "/usr/bin/python3";
}

inline std::string source_dir() {
  return TIDE_SOURCE_DIR;
}

// Clears every AWS_*, CIRCLE_* and proxy variable for the test's lifetime, points the shared
// config files at (empty) temp files and disables IMDS, so no test sees the developer's setup
// or leaves loopback. Restores everything afterwards.
class AwsEnv {
 public:
  AwsEnv() {
    for (char** e = environ; *e; ++e) {
      std::string entry = *e;
      std::string name = entry.substr(0, entry.find('='));
      if (name.rfind("AWS_", 0) == 0 || name.rfind("CIRCLE_", 0) == 0 ||
          name.find("proxy") != std::string::npos || name.find("PROXY") != std::string::npos) {
        saved_[name] = entry.substr(entry.find('=') + 1);
      }
    }
    for (const auto& [name, value] : saved_) ::unsetenv(name.c_str());
    char tmpl[] = "/tmp/tide-aws-test-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    set("AWS_CONFIG_FILE", path("config"));
    set("AWS_SHARED_CREDENTIALS_FILE", path("credentials"));
    set("AWS_EC2_METADATA_DISABLED", "true");
  }
  ~AwsEnv() {
    for (char** e = environ; *e; ++e) {
      std::string entry = *e;
      std::string name = entry.substr(0, entry.find('='));
      if (name.rfind("AWS_", 0) == 0 || name.rfind("CIRCLE_", 0) == 0) touched_.push_back(name);
    }
    for (const auto& name : touched_) ::unsetenv(name.c_str());
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  AwsEnv(const AwsEnv&) = delete;
  AwsEnv& operator=(const AwsEnv&) = delete;

  void set(const std::string& name, const std::string& value) {
    ::setenv(name.c_str(), value.c_str(), 1);
    touched_.push_back(name);
  }
  void unset(const std::string& name) { ::unsetenv(name.c_str()); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::string write(const std::string& name, const std::string& text, bool executable = false) {
    std::string p = path(name);
    std::ofstream(p) << text;
    if (executable) std::filesystem::permissions(p, std::filesystem::perms::owner_all);
    return p;
  }

 private:
  std::string dir_;
  std::map<std::string, std::string> saved_;
  std::vector<std::string> touched_;
};

// One fake_aws.py process; killed when the object goes away.
class FakeAws {
 public:
  explicit FakeAws(std::vector<std::string> args = {}) {
    std::string script = source_dir() + "/tests/aws/fake_aws.py";
    std::vector<std::string> argv = {python(), script};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    int rc = ::posix_spawn(&pid_, cargv[0], &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      throw std::runtime_error("cannot start " + python() + ": " + std::strerror(rc));
    }
    std::string line;
    char c;
    while (::read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(fds[0]);
    if (line.empty()) throw std::runtime_error("fake_aws.py printed no port");
    port_ = std::stoi(line);
  }
  ~FakeAws() {
    ::kill(pid_, SIGTERM);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  FakeAws(const FakeAws&) = delete;
  FakeAws& operator=(const FakeAws&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void control(const std::string& query) { get("/_control?" + query); }
  std::string log() { return get("/_log"); }

 private:
  std::string get(const std::string& path) {
    HttpRequest req;
    req.url = url() + path;
    req.bypass_proxy = true;
    return http_send(req).body;
  }
  pid_t pid_ = 0;
  int port_ = 0;
};

// Runs a command, returns its stdout (trailing newline removed) and exit status.
inline std::pair<std::string, int> run(const std::string& command) {
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return {"", -1};
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

inline bool python_available() {
  return ::access(python().c_str(), X_OK) == 0;
}

}  // namespace tide::aws::testing
