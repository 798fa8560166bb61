// SharedBytes: an immutable byte string whose copies share one buffer. Raft entries carry their
// data in one, so handing an entry to a Ready, to the messages for every follower, to the state
// machine or to a checker copies no bytes and allocates nothing.
//
// Contract:
// - The bytes never change after construction; a copy is the same bytes (a reference count, one
//   allocation holding the count and the bytes). An empty one allocates nothing; a moved-from one
//   is empty.
// - slice() gives a part of the bytes that shares the same buffer, which stays alive while any
//   slice of it does: the codec decodes the entries of one message into slices of one buffer
//   (one allocation per message instead of one per entry). At most 4 GiB (offsets are 32-bit;
//   entries are limited to far less, core/codec/limits.h).
// - The count is not atomic: the copies of one buffer stay on one thread (DESIGN.md principle 1:
//   one event loop per node). A frame's buffer is shared by its sender, the transport and the
//   receiver's decoded entries, so a transport, its I/O loop and the nodes using it run on one
//   thread (the simulator; keeld's one io_context).
// - build() writes one in place, into room for an upper bound of its size (the network codec
//   writes a node frame or a large Raft frame straight into the buffer the transport carries).
// - Compared by content, like Bytes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "core/env/assert.h"
#include "core/env/types.h"

namespace keel {

class SharedBytes {
 public:
  SharedBytes() = default;
  // Copies the bytes once.
  SharedBytes(ByteView bytes);  // NOLINT(google-explicit-constructor): used like Bytes
  SharedBytes(const Bytes& bytes) : SharedBytes(ByteView(bytes)) {}  // NOLINT
  SharedBytes(const SharedBytes& other)
      : block_(other.block_), offset_(other.offset_), size_(other.size_) {
    if (block_ != nullptr) ++block_->references;
  }
  SharedBytes(SharedBytes&& other) noexcept
      : block_(std::exchange(other.block_, nullptr)),
        offset_(std::exchange(other.offset_, 0)),
        size_(std::exchange(other.size_, 0)) {}
  SharedBytes& operator=(SharedBytes other) noexcept {
    std::swap(block_, other.block_);
    std::swap(offset_, other.offset_);
    std::swap(size_, other.size_);
    return *this;
  }
  // The bytes `write` puts into room for `bound` bytes: write(std::uint8_t* room) writes from room
  // on and returns where its bytes end, at most room + bound. The buffer keeps the whole room
  // (the bytes past the end stay allocated, unused); empty if nothing was written.
  template <class Write>
  static SharedBytes build(std::size_t bound, Write write) {
    SharedBytes out;
    if (bound == 0) return out;
    out.block_ = allocate(bound);
    std::uint8_t* const room = bytes_of(out.block_);
    const std::uint8_t* const end = write(room);
    KEEL_ASSERT(end >= room && static_cast<std::size_t>(end - room) <= bound,
                "SharedBytes::build wrote ", end - room, " bytes into room for ", bound);
    if (end == room) return SharedBytes();  // `out` frees the block
    out.size_ = static_cast<std::uint32_t>(end - room);
    return out;
  }

  // The count drops inline; only the last copy calls out to free the block.
  ~SharedBytes() {
    if (block_ != nullptr && --block_->references == 0) free_block(block_);
  }

  // The bytes of `part`, which must lie within view(), sharing this buffer (empty if part is).
  // Inline: the codec slices every entry it decodes (issue 3).
  SharedBytes slice(ByteView part) const {
    KEEL_ASSERT(part.empty() || (part.data() >= data() && part.data() + part.size() <= end()),
                "a slice of ", part.size(), " bytes outside the shared ", size(), " bytes");
    SharedBytes out;
    if (part.empty()) return out;
    out.block_ = block_;
    ++block_->references;
    out.offset_ = static_cast<std::uint32_t>(part.data() - bytes_of(block_));
    out.size_ = static_cast<std::uint32_t>(part.size());
    return out;
  }

  const std::uint8_t* data() const {
    return block_ == nullptr ? nullptr : bytes_of(block_) + offset_;
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size() == 0; }
  const std::uint8_t* begin() const { return data(); }
  const std::uint8_t* end() const { return data() + size(); }
  ByteView view() const { return ByteView(data(), size()); }
  operator ByteView() const { return view(); }  // NOLINT(google-explicit-constructor)
  // How many SharedBytes share this buffer (0 when empty), for tests.
  std::size_t use_count() const { return block_ == nullptr ? 0 : block_->references; }

  friend bool operator==(const SharedBytes& a, const SharedBytes& b) {
    return std::ranges::equal(a.view(), b.view());
  }

 private:
  struct Block {
    std::size_t references;
    // The bytes follow.
  };
  static std::uint8_t* bytes_of(Block* block) { return reinterpret_cast<std::uint8_t*>(block + 1); }
  // A block referred to once, with room for `bytes` (at most 4 GiB) bytes.
  static Block* allocate(std::size_t bytes);
  // Frees a block no SharedBytes refers to any more.
  static void free_block(Block* block);

  Block* block_ = nullptr;    // null exactly when empty
  std::uint32_t offset_ = 0;  // of these bytes in the block's
  std::uint32_t size_ = 0;
};

}  // namespace keel
