// Whole-file reads with POSIX calls, so the reason for a failure is errno's (a directory opens
// fine as a stream and then reads as empty: that is the mistake this file exists to prevent).
#include "tide/util/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tide::util {
namespace {

FileText failed(int err) {
  FileText r;
  r.error = std::strerror(err);
  r.missing = err == ENOENT || err == ENOTDIR;
  return r;
}

}  // namespace

FileText read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failed(errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return failed(err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    FileText r;
    r.error = "is a directory";
    return r;
  }
  std::string content;
  if (S_ISREG(st.st_mode) && st.st_size > 0) content.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return failed(err);
    }
    content.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  FileText r;
  r.content = std::move(content);
  return r;
}

}  // namespace tide::util
