// AppendRegister: the simplest replicated state machine, a list of the values committed so far,
// in commit order. It stands in for the key-value store while consensus is tested end to end.
//
// The register only grows, and a node snapshots it every few thousand entries, so it keeps its
// snapshot's encoding up to date as values arrive, in immutable chunks (core/env/chunked_bytes.h)
// of about kChunkBytes: the values go into an open chunk, which is sealed once the next value does
// not fit. snapshot() shares the sealed chunks and copies only the open one, so a snapshot costs
// what arrived since the last one, not the register's size (issue 3: the speed fell from ~244x to
// ~176x as the register grew to 1.6 M values); a sealed chunk is checksummed once for every
// snapshot file that holds it. The values are held only in the chunks (a value never spans two),
// so applying an entry keeps none of its bytes, and nothing else is kept per value: they are read
// back in order by decoding the chunks (values()), which only checks and tests do.
#pragma once

#include <cstddef>
#include <vector>

#include "core/env/chunked_bytes.h"
#include "core/env/error.h"
#include "core/env/types.h"
#include "core/node/state_machine.h"

namespace keel::node {

class AppendRegister final : public StateMachine {
 public:
  static constexpr std::size_t kMaxValues = 1u << 24;
  // A chunk is sealed once the next value would take it past this (a larger value gets a chunk of
  // its own).
  static constexpr std::size_t kChunkBytes = 256u << 10;

  // Reads the values in commit order, each as a view into the register: the cursor and the views
  // are valid until the next apply() or restore().
  //   for (auto values = reg.values(); !values.done();) use(values.next());
  class Cursor {
   public:
    bool done() const { return left_ == 0; }
    // The next value; asserts !done().
    ByteView next();

   private:
    friend class AppendRegister;
    explicit Cursor(const AppendRegister& reg) : reg_(&reg), left_(reg.size_) {}

    const AppendRegister* reg_;
    std::size_t chunk_ = 0;   // as AppendRegister::chunk()'s index
    std::size_t offset_ = 0;  // of the next value's length prefix in that chunk
    std::size_t left_;        // values not yet read
  };

  void apply(const raft::Entry& entry) override;
  // How many values it holds.
  std::size_t size() const { return size_; }
  Cursor values() const { return Cursor(*this); }
  // The sealed chunks, for tests (the open one is not among them).
  std::size_t sealed_chunks() const { return sealed_.size(); }

  // The whole state, encoded (a varint count, then each value as length-prefixed bytes): a chunk
  // with the count, the sealed chunks (shared) and a copy of the open one. restore() of it gives
  // an equal register.
  ChunkedBytes snapshot() const override;
  Status restore(ByteView snapshot) override;

 private:
  void append(ByteView value);
  // Seals the open chunk if it holds values, and opens a new one with room for `encoded` bytes
  // (kChunkBytes, or more for a larger value).
  void open_chunk(std::size_t encoded);
  // The encoded values of sealed chunk i, or of the open chunk for i == sealed_.size(): every
  // chunk ends where its last value does.
  ByteView chunk(std::size_t i) const {
    return i < sealed_.size() ? ByteView(sealed_[i]->bytes) : ByteView(open_.data(), open_used_);
  }

  std::size_t size_ = 0;
  std::vector<ChunkedBytes::ChunkPtr> sealed_;  // full chunks of encoded values, never changed
  // The open chunk, made at its full size up front so that a value is written with no check of
  // the vector's capacity: its first open_used_ bytes encode the values after the sealed ones.
  Bytes open_;
  std::size_t open_used_ = 0;
};

}  // namespace keel::node
