// Test helper: a TraceSink that keeps each event as "machine component.event key=value ...".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/trace.h"

namespace keel::real::testing {

class TraceRecorder final : public TraceSink {
 public:
  void record(const TraceEvent& event) override {
    lines_.push_back(std::string(event.machine) + " " + describe(event));
  }
  const std::vector<std::string>& lines() const { return lines_; }

  // The lines containing every one of `fragments`.
  std::vector<std::string> matching(std::initializer_list<std::string_view> fragments) const {
    std::vector<std::string> found;
    for (const std::string& line : lines_) {
      bool all = true;
      for (std::string_view fragment : fragments) all = all && line.find(fragment) != line.npos;
      if (all) found.push_back(line);
    }
    return found;
  }

 private:
  std::vector<std::string> lines_;
};

}  // namespace keel::real::testing
