// The linearizability checker for a KV register history (kv_history.h).
//
// A history of independent registers is linearizable iff each key's sub-history is
// (P-compositionality: Herlihy & Wing 1990, §3.3; Porcupine's Partition), so each key is searched
// alone (linearization_search.h), against the register model (register_model.h). Refused
// operations never took effect and are dropped; unknown outcomes may take effect at any instant
// after their invocation, or never.
//
// Verdicts: kOk, every key is linearizable; kViolation, some key is not (a definite violation wins
// over undecided keys); kUnknown, no violation found but some key's search reached its limits: that
// is no pass. For a violation, the first violating key (in key order) is shrunk by delta debugging
// (delta_debugging.h) to a small failing set of operations, and explained from the deepest point
// the search reached. Keys are visited in order and nothing depends on hash order, so the same
// history gives the same result, byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/env/error.h"
#include "sim/checkers/kv_history.h"

namespace keel::sim {

struct LinearizabilityOptions {
  std::uint64_t max_steps_per_key = 10'000'000;    // search steps before a key is undecided
  std::size_t max_memo_bytes_per_key = 256 << 20;  // memo memory before a key is undecided
  std::uint64_t max_shrink_steps = 20'000'000;     // search steps spent shrinking the violation
  std::size_t max_operations = 1'000'000;          // longer histories are refused (kLimitExceeded)
};

struct LinearizabilityResult {
  enum class Verdict : std::uint8_t { kOk, kViolation, kUnknown };
  Verdict verdict = Verdict::kOk;

  std::size_t operations_checked = 0;  // operations searched: not refused, not unknown gets
  std::size_t keys = 0;
  std::uint64_t steps = 0;             // search steps over every key, shrinking not included
  std::size_t largest_memo_bytes = 0;  // the largest memo of one key's search

  std::vector<std::string> violating_keys;  // in key order
  std::vector<std::string> undecided_keys;  // in key order; why each gave up is in `explanation`

  // kViolation: the first violating key, a small failing subset of its operations whose failure
  // proves the whole history's (input order; 1-minimal unless `failing_ops_minimal` is false
  // because shrinking reached its budget; see linearizability_counterexample.h), and why they
  // cannot be linearized.
  std::string key;
  KvHistory failing_ops;
  bool failing_ops_minimal = false;
  std::string explanation;
};

// Refuses a malformed history (kInvalidArgument: duplicate ids, a definite outcome completed before
// its invocation) or an overlong one (kLimitExceeded), naming the operation.
Result<LinearizabilityResult> check_linearizable(const KvHistory& history,
                                                 const LinearizabilityOptions& options);

std::string_view to_string(LinearizabilityResult::Verdict verdict);

// A multi-line report: the verdict and counts; for a violation the key, one describe() line per
// failing operation and the explanation; the undecided keys.
std::string describe(const LinearizabilityResult& result);

}  // namespace keel::sim
