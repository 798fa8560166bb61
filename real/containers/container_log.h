// A unit's output log: what its container writes to stdout and stderr, kept in
// <dir>/<unit>.log with size-based rotation (as logrotate's "size" and "rotate" options): when
// the file reaches max_bytes it becomes <unit>.log.1, older files move up one number, and the
// oldest beyond `keep` is deleted. A restarted unit appends to the same log.
//
// Writes are plain write(2)s on keeld's loop: local files, small chunks (one pipe read each).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "real/containers/unique_fd.h"

namespace keel::real {

struct LogRotation {
  std::uint64_t max_bytes = 1 << 20;  // per file
  std::uint32_t keep = 3;             // rotated files kept besides the current one
};

class RotatingLog {
 public:
  // Opens (creating if needed) <dir>/<unit>.log for appending; `dir` is created if missing.
  static Result<RotatingLog> open(const std::string& dir, const std::string& unit,
                                  LogRotation rotation);

  // Appends the bytes, rotating as often as needed; no file ever exceeds max_bytes.
  Status append(std::string_view bytes);

  const std::string& path() const { return path_; }

 private:
  RotatingLog(std::string path, LogRotation rotation, UniqueFd fd, std::uint64_t size)
      : path_(std::move(path)), rotation_(rotation), fd_(std::move(fd)), size_(size) {}
  Status rotate();

  std::string path_;
  LogRotation rotation_;
  UniqueFd fd_;
  std::uint64_t size_;
};

// The last `lines` lines a unit wrote, across its rotated files, oldest first (what
// `keelctl journal -n` prints). A line cut by rotation is whole again here. No log: kNotFound.
Result<std::vector<std::string>> tail_log(const std::string& dir, const std::string& unit,
                                          std::size_t lines);

// A piece of the current file <unit>.log, for a follower (`keelctl journal -f`).
struct LogPiece {
  std::string bytes;
  std::uint64_t next = 0;  // the offset the next piece starts at
};

// The bytes of <unit>.log from `offset`, at most `max_bytes` (> 0), cut after the last '\n' in
// them so that a follower prints whole lines (a line longer than max_bytes comes in pieces).
// An offset past the file's end means the file was rotated since (or removed and created again):
// the piece then starts at 0, and what was appended to the old file after `offset` is not shown
// (a bounded loss, like `tail -F` across a rotation). No log: kNotFound.
Result<LogPiece> read_log_from(const std::string& dir, const std::string& unit,
                               std::uint64_t offset, std::size_t max_bytes);

// The size of <unit>.log: where a follower starts after printing tail_log's lines (the loop that
// writes the log also serves both reads, so nothing comes between them). No log: kNotFound.
Result<std::uint64_t> log_end(const std::string& dir, const std::string& unit);

}  // namespace keel::real
