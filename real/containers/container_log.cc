#include "real/containers/container_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>

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

}  // namespace keel::real
