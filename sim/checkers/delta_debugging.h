// Delta debugging (Zeller & Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", IEEE
// TSE 2002, the ddmin algorithm): shrinks a failing input, given as the items 0..n-1, to a subset
// that still fails and from which no single item can be removed with the failure kept (1-minimal).
//
// The test may give up (a budget ran out); shrinking then stops with the smallest failing subset
// found so far, reported as not proven minimal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace keel::sim {

enum class Trial : std::uint8_t { kFails, kPasses, kGaveUp };

struct ShrinkResult {
  std::vector<std::size_t> items;  // ascending
  bool one_minimal = false;        // false if a trial gave up before minimality was shown
  std::size_t trials = 0;
};

// `fails` is asked about subsets of 0..n-1 (ascending); the whole set must fail.
ShrinkResult shrink_failing(std::size_t n,
                            const std::function<Trial(std::span<const std::size_t>)>& fails);

}  // namespace keel::sim
