// The history of a key-value register workload, as its clients saw it: what each operation asked,
// when it was invoked and completed (simulated true time), and what came back. The
// linearizability checker (linearizability.h) and the watch checker (watch_checker.h) read it.
//
// Outcomes: kOk is a definite answer (the operation took effect exactly as answered); kFailed is a
// definite refusal (it did not take effect: not leader, limit); kUnknown is a timeout, a crash of
// the member, a lost reply: the operation may or may not have taken effect, at any instant after
// its invocation (Porcupine's treatment: its completion time is unbounded).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/env/types.h"

namespace keel::sim {

struct KvOp {
  enum class Kind : std::uint8_t { kGet, kPut, kCas, kDelete };
  enum class Outcome : std::uint8_t { kOk, kFailed, kUnknown };

  std::uint64_t id = 0;  // unique in the history; reports name operations by it
  int client = 0;
  Kind kind = Kind::kGet;
  std::string key;
  std::string value;     // put, cas: the value written (unique per write in a workload)
  std::string expected;  // cas: the value the key must hold (a missing key never matches)
  Time invoked{};
  Time completed{};  // meaningless for kUnknown
  Outcome outcome = Outcome::kUnknown;

  // The answer, for kOk:
  std::optional<std::string> read;  // get: the value read, nullopt if the key was missing
  bool cas_succeeded = false;       // cas: the key held `expected` and now holds `value`
  bool deleted = false;             // delete: the key existed (and is now gone)
  std::int64_t revision = 0;        // the store's revision in the answer (0 if unknown)
};

using KvHistory = std::vector<KvOp>;

// One line naming an operation, for reports: "#12 c3 cas k1 v1-4->v3-9 ok(succeeded) [1.2s,1.3s]".
std::string describe(const KvOp& op);

}  // namespace keel::sim
