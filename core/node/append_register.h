// AppendRegister: the simplest replicated state machine, a list of the values committed so far,
// in commit order. It stands in for the key-value store while consensus is tested end to end.
//
// The register only grows, and a node snapshots it every few thousand entries, so it keeps its
// snapshot's encoding up to date as values arrive: snapshot() is one copy of that image, not a
// walk over every value (which made long simulations slow down as the register grew). The values
// are held only there: each is a place in the image, so restoring a snapshot of N values copies
// the image once instead of allocating N buffers, and applying an entry keeps none of its bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/env/error.h"
#include "core/env/types.h"
#include "core/node/state_machine.h"

namespace keel::node {

class AppendRegister final : public StateMachine {
 public:
  static constexpr std::size_t kMaxValues = 1u << 24;

  void apply(const raft::Entry& entry) override;
  // How many values it holds, and the i-th (i < size()) as a view into the register: valid until
  // the next apply() or restore().
  std::size_t size() const { return places_.size(); }
  ByteView value(std::size_t i) const;

  // The whole state, encoded (a varint count, then each value as length-prefixed bytes);
  // restore() of it gives an equal register.
  Bytes snapshot() const override;
  Status restore(ByteView snapshot) override;

 private:
  struct Place {
    std::size_t offset;  // of the value's bytes in image_, after its length prefix
    std::size_t size;
  };
  std::vector<Place> places_;  // one per value, in commit order
  Bytes image_;                // the encoding of the values, without the count
};

}  // namespace keel::node
