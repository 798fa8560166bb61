// Writer: appends Keel's binary encoding to a byte buffer. Integers are fixed-width little-endian
// or unsigned LEB128 varints; byte strings are a varint length followed by the bytes. Writing
// cannot fail; what a Reader needs to reject bad input is all in reader.h. A hot encoder that can
// bound its output writes it through bounded() instead (a BoundedWriter: the same bytes, with
// fewer instructions per field).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/codec/bounded_writer.h"
#include "core/env/assert.h"
#include "core/env/types.h"

namespace keel::codec {

class Writer {
 public:
  // Appends to `out`, which must outlive the Writer.
  explicit Writer(Bytes& out) : out_(out) {}

  void u8(std::uint8_t value) { out_.push_back(value); }
  void u16(std::uint16_t value) { fixed(value, 2); }
  void u32(std::uint32_t value) { fixed(value, 4); }
  void u64(std::uint64_t value) { fixed(value, 8); }
  // The shortest (canonical) encoding; a Reader rejects any other.
  void varint(std::uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<std::uint8_t>(value | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<std::uint8_t>(value));
  }
  void boolean(bool value) { u8(value ? 1 : 0); }
  // A varint length, then the bytes. Inline, as the WAL, frames and the state machines write many
  // short (often empty) byte strings.
  void bytes(ByteView data) {
    varint(data.size());
    if (!data.empty()) raw(data);
  }
  void string(std::string_view text);
  // The bytes alone, with no length.
  void raw(ByteView data);
  // Overwrites four bytes already written at `position` (to fill in a length or checksum).
  void patch_u32(std::size_t position, std::uint32_t value) {
    KEEL_ASSERT(position + 4 <= out_.size(), "patch_u32 at ", position, " past the end ",
                out_.size());
    for (int i = 0; i < 4; ++i) out_[position + i] = static_cast<std::uint8_t>(value >> (8 * i));
  }

  // Appends what `write(BoundedWriter&)` writes into `bound` bytes of room (counted as
  // bounded_writer.h says). Meanwhile the buffer holds the room past its end, zeroed, so `write`
  // must not use this Writer or its buffer; afterwards the buffer ends where the writing did.
  template <class Write>
  void bounded(std::size_t bound, Write&& write) {
    const std::size_t start = out_.size();
    out_.resize(start + bound);
    BoundedWriter room(out_.data() + start, out_.data() + out_.size());
    write(room);
    // Shrinks, so frees nothing and moves no byte.
    out_.erase(out_.begin() + (room.position() - out_.data()), out_.end());
  }

  // Bytes in the buffer, including any that were there before this Writer.
  std::size_t size() const { return out_.size(); }

 private:
  // `width` bytes, little-endian. Byte by byte, inline: once the buffer has room (encode_frame
  // reserves it), a push_back is a store.
  void fixed(std::uint64_t value, std::size_t width) {
    for (std::size_t i = 0; i < width; ++i) {
      out_.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
  }

  Bytes& out_;
};

}  // namespace keel::codec
