// AppendRegister: the simplest replicated state machine, a list of the values committed so far,
// in commit order. It stands in for the key-value store while consensus is tested end to end.
#pragma once

#include <cstdint>
#include <vector>

#include "core/env/error.h"
#include "core/env/types.h"
#include "core/node/state_machine.h"

namespace keel::node {

class AppendRegister final : public StateMachine {
 public:
  static constexpr std::size_t kMaxValues = 1u << 24;

  // The value shares the entry's bytes.
  void apply(const raft::Entry& entry) override { values_.push_back(entry.data); }
  const std::vector<SharedBytes>& values() const { return values_; }

  // The whole state, encoded; restore() of it gives an equal register.
  Bytes snapshot() const override;
  Status restore(ByteView snapshot) override;

 private:
  std::vector<SharedBytes> values_;
};

}  // namespace keel::node
