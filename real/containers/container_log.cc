#include "real/containers/container_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "real/containers/launch_plan.h"

namespace keel::real {
namespace {

std::string numbered(const std::string& path, std::uint32_t n) {
  return n == 0 ? path : str(path, ".", n);
}

std::string log_path(const std::string& dir, const std::string& unit) {
  return str(dir, "/", unit, ".log");
}

Result<UniqueFd> open_for_append(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
  if (!fd.valid()) return fail(Errc::kIo, str("open log ", path, ": ", std::strerror(errno)));
  return fd;
}

}  // namespace

Result<RotatingLog> RotatingLog::open(const std::string& dir, const std::string& unit,
                                      LogRotation rotation) {
  if (!valid_unit_name(unit)) {
    return fail(Errc::kInvalidArgument, str("unit name '", unit, "' cannot name a log file"));
  }
  if (rotation.max_bytes == 0) return fail(Errc::kInvalidArgument, "log max_bytes is 0");
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return fail(Errc::kIo, str("log directory ", dir, ": ", error.message()));
  std::string path = log_path(dir, unit);
  auto fd = open_for_append(path);
  if (!fd) return std::unexpected(fd.error());
  struct stat info {};
  if (::fstat(fd->get(), &info) != 0) {
    return fail(Errc::kIo, str("stat log ", path, ": ", std::strerror(errno)));
  }
  return RotatingLog(std::move(path), rotation, std::move(*fd),
                     static_cast<std::uint64_t>(info.st_size));
}

Status RotatingLog::append(std::string_view bytes) {
  while (!bytes.empty()) {
    if (size_ >= rotation_.max_bytes) {
      if (auto rotated = rotate(); !rotated) return rotated;
    }
    const std::size_t room = std::min<std::uint64_t>(bytes.size(), rotation_.max_bytes - size_);
    const ssize_t written = ::write(fd_.get(), bytes.data(), room);
    if (written < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::kIo, str("write log ", path_, ": ", std::strerror(errno)));
    }
    size_ += static_cast<std::uint64_t>(written);
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

Status RotatingLog::rotate() {
  // <unit>.log.(keep-1) replaces the oldest, <unit>.log.keep; and so on down to <unit>.log
  // becoming <unit>.log.1. Going from the oldest down, no rename overwrites a file still to move.
  for (std::uint32_t n = rotation_.keep; n >= 1; --n) {
    const std::string from = numbered(path_, n - 1);
    if (::rename(from.c_str(), numbered(path_, n).c_str()) != 0 && errno != ENOENT) {
      return fail(Errc::kIo, str("rotate log ", from, ": ", std::strerror(errno)));
    }
  }
  if (rotation_.keep == 0 && ::unlink(path_.c_str()) != 0 && errno != ENOENT) {
    return fail(Errc::kIo, str("rotate log ", path_, ": ", std::strerror(errno)));
  }
  auto fd = open_for_append(path_);
  if (!fd) return std::unexpected(fd.error());
  fd_ = std::move(*fd);
  size_ = 0;
  return {};
}

Result<std::vector<std::string>> tail_log(const std::string& dir, const std::string& unit,
                                          std::size_t lines) {
  if (!valid_unit_name(unit)) {
    return fail(Errc::kInvalidArgument, str("unit name '", unit, "' cannot name a log file"));
  }
  const std::string path = log_path(dir, unit);
  if (!std::filesystem::exists(path)) return fail(Errc::kNotFound, str("no log at ", path));
  // Rotated files carry consecutive numbers from 1: find the oldest, then read up to the current.
  std::uint32_t oldest = 0;
  while (std::filesystem::exists(numbered(path, oldest + 1))) ++oldest;
  std::deque<std::string> last;
  std::string partial;
  auto take_line = [&](std::string line) {
    last.push_back(std::move(line));
    if (last.size() > lines) last.pop_front();
  };
  for (std::uint32_t n = oldest + 1; n-- > 0;) {
    UniqueFd fd(::open(numbered(path, n).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) continue;  // rotated away while reading: its lines are in the next file
    char buffer[8192];
    ssize_t got;
    while ((got = ::read(fd.get(), buffer, sizeof buffer)) > 0) {
      for (std::string_view chunk(buffer, static_cast<std::size_t>(got)); !chunk.empty();) {
        const std::size_t newline = chunk.find('\n');
        if (newline == std::string_view::npos) {
          partial.append(chunk);
          break;
        }
        partial.append(chunk.substr(0, newline));
        take_line(std::exchange(partial, {}));
        chunk.remove_prefix(newline + 1);
      }
    }
  }
  if (!partial.empty()) take_line(std::move(partial));
  if (lines == 0) return std::vector<std::string>{};
  return std::vector<std::string>(last.begin(), last.end());
}

namespace {

// <unit>.log opened for reading, with its size; kNotFound when there is no log.
Result<std::pair<UniqueFd, std::uint64_t>> open_current_log(const std::string& dir,
                                                            const std::string& unit) {
  if (!valid_unit_name(unit)) {
    return fail(Errc::kInvalidArgument, str("unit name '", unit, "' cannot name a log file"));
  }
  const std::string path = log_path(dir, unit);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    return fail(errno == ENOENT ? Errc::kNotFound : Errc::kIo,
                str("open log ", path, ": ", std::strerror(errno)));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return fail(Errc::kIo, str("stat log ", path, ": ", std::strerror(errno)));
  }
  return std::pair{std::move(fd), static_cast<std::uint64_t>(info.st_size)};
}

}  // namespace

Result<LogPiece> read_log_from(const std::string& dir, const std::string& unit,
                               std::uint64_t offset, std::size_t max_bytes) {
  KEEL_ASSERT(max_bytes > 0, "a log piece of 0 bytes");
  auto log = open_current_log(dir, unit);
  if (!log) return std::unexpected(log.error());
  auto& [fd, size] = *log;
  const std::uint64_t start = offset > size ? 0 : offset;
  std::string bytes(static_cast<std::size_t>(std::min<std::uint64_t>(size - start, max_bytes)),
                    '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n =
        ::pread(fd.get(), bytes.data() + got, bytes.size() - got, static_cast<off_t>(start + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Errc::kIo, str("read log of ", unit, ": ", std::strerror(errno)));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  const std::size_t last_newline = bytes.rfind('\n');
  if (last_newline != std::string::npos) {
    bytes.resize(last_newline + 1);
  } else if (bytes.size() < max_bytes) {
    bytes.clear();  // the start of a line still being written: wait for its end
  }
  const std::uint64_t next = start + bytes.size();
  return LogPiece{.bytes = std::move(bytes), .next = next};
}

Result<std::uint64_t> log_end(const std::string& dir, const std::string& unit) {
  auto log = open_current_log(dir, unit);
  if (!log) return std::unexpected(log.error());
  return log->second;
}

}  // namespace keel::real
