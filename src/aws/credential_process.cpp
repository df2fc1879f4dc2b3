// credential_process with a time limit (see credential_process.hpp). The command runs in its own
// process group when stdin is not a terminal, so a timeout kills its children too; on a
// terminal it stays in tide's group so that it may prompt.
#include "aws/credential_process.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "aws/provider.hpp"
#include "tide/util/duration.hpp"

extern char** environ;

namespace tide::aws {
namespace {

std::chrono::milliseconds process_timeout(const AwsOptions& opts) {
  std::string text = env("TIDE_CREDENTIAL_PROCESS_TIMEOUT");
  if (text.empty()) return opts.process_timeout;
  auto d = parse_duration(text);
  if (!d || d->count() <= 0) {
    throw CredentialError("TIDE_CREDENTIAL_PROCESS_TIMEOUT '" + text +
                          "' is not a duration such as 60s or 2m");
  }
  return *d;
}

struct Child {
  pid_t pid = -1;
  bool own_group = false;
  void kill_now() const {
    if (pid > 0) ::kill(own_group ? -pid : pid, SIGKILL);
  }
  int wait() const {
    int status = 0;
    while (::waitpid(pid, &status, 0) == -1 && errno == EINTR) {
    }
    return status;
  }
  // The exit status once the child is gone, or nullopt when it still runs at `deadline`.
  std::optional<int> wait_until(std::chrono::steady_clock::time_point deadline) const {
    for (;;) {
      int status = 0;
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid) return status;
      if (r == -1 && errno != EINTR) return 0;
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      ::usleep(10000);
    }
  }
};

Child spawn_shell(const std::string& command, int stdout_fd, int unused_fd, bool own_group) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, stdout_fd);
  posix_spawn_file_actions_addclose(&actions, unused_fd);
  if (own_group) {
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  }
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  Child child;
  child.own_group = own_group;
  int rc = ::posix_spawn(&child.pid, "/bin/sh", &actions, &attr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) child.pid = -1;
  return child;
}

}  // namespace

Credentials process_credentials(const std::string& command, const std::string& profile,
                                const AwsOptions& opts) {
  const std::string what = "credential_process of profile " + profile;
  const auto limit = process_timeout(opts);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw CredentialError(what + ": cannot create a pipe");
  std::fflush(nullptr);
  Child child = spawn_shell(command, fds[1], fds[0], !::isatty(STDIN_FILENO));
  ::close(fds[1]);
  if (child.pid <= 0) {
    ::close(fds[0]);
    throw CredentialError(what + ": cannot start /bin/sh");
  }

  std::string out;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the command (and whatever it started) closed stdout
    if (out.size() < (1 << 20)) out.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  std::optional<int> exited;
  if (!timed_out) exited = child.wait_until(deadline);
  if (!exited) {
    child.kill_now();
    child.wait();
    throw CredentialError(what + " did not finish within " + format_duration(limit) +
                          " and was stopped (TIDE_CREDENTIAL_PROCESS_TIMEOUT sets the limit)");
  }
  int status = *exited;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string how = WIFEXITED(status)
                          ? "exited with status " + std::to_string(WEXITSTATUS(status))
                          : "did not exit normally";
    throw CredentialError(what + " " + how);
  }
  auto doc = nlohmann::json::parse(out, nullptr, false);
  if (!doc.is_object()) throw CredentialError(what + ": output is not a JSON object");
  if (!doc.contains("Version") || doc["Version"] != 1) {
    throw CredentialError(what + ": output must have \"Version\": 1");
  }
  JsonCredentialNames names;
  names.token = "SessionToken";
  Credentials c = credentials_from_json(out, what, names);
  c.source = "credential_process (profile " + profile + ")";
  return c;
}

}  // namespace tide::aws
