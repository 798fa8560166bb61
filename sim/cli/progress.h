// The progress line keelsim prints while seeds run, on a terminal only (standard error is a tty):
// "leader-isolated: 37/200 seeds, 0 failed, 12s elapsed, ETA 53s", rewritten in place.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace keel::sim::cli {

class ProgressLine {
 public:
  ProgressLine(std::string label, std::uint64_t total);
  ~ProgressLine();  // clears the line
  void update(std::uint64_t done, std::uint64_t failed);

 private:
  std::string label_;
  std::uint64_t total_;
  bool shown_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace keel::sim::cli
