#include "sim/cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace keel::sim::cli {

ProgressLine::ProgressLine(std::string label, std::uint64_t total)
    : label_(std::move(label)),
      total_(total),
      shown_(isatty(STDERR_FILENO) == 1),
      started_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() {
  if (shown_) std::fprintf(stderr, "\r\033[K");
}

void ProgressLine::update(std::uint64_t done, std::uint64_t failed) {
  if (!shown_) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double eta =
      done == 0 ? 0 : elapsed / static_cast<double>(done) * static_cast<double>(total_ - done);
  std::fprintf(stderr, "\r\033[K%s: %llu/%llu seeds, %llu failed, %.0fs elapsed, ETA %.0fs",
               label_.c_str(), static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total_), static_cast<unsigned long long>(failed),
               elapsed, eta);
  std::fflush(stderr);
}

}  // namespace keel::sim::cli
