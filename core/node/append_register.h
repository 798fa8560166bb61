// AppendRegister: the simplest replicated state machine, a list of the values committed so far,
// in commit order. It stands in for the key-value store while consensus is tested end to end.
//
// The register only grows, and a node snapshots it every few thousand entries, so it keeps its
// snapshot's encoding up to date as values arrive: snapshot() is one copy of that image, not a
// walk over every value (which made long simulations slow down as the register grew).
#pragma once

#include <cstdint>
#include <vector>

#include "core/env/error.h"
#include "core/env/shared_bytes.h"
#include "core/env/types.h"
#include "core/node/state_machine.h"

namespace keel::node {

class AppendRegister final : public StateMachine {
 public:
  static constexpr std::size_t kMaxValues = 1u << 24;

  // The value shares the entry's bytes.
  void apply(const raft::Entry& entry) override;
  const std::vector<SharedBytes>& values() const { return values_; }

  // The whole state, encoded (a varint count, then each value as length-prefixed bytes);
  // restore() of it gives an equal register.
  Bytes snapshot() const override;
  Status restore(ByteView snapshot) override;

 private:
  std::vector<SharedBytes> values_;
  Bytes image_;  // the encoding of values_, without the count
};

}  // namespace keel::node
