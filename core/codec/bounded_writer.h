// BoundedWriter: writes the same bytes as a Writer (see writer.h) through a raw pointer into room
// made beforehand, for the hot encoders (network frames, WAL entries).
//
// Why: a Writer appends byte by byte with push_back, which loads, checks and stores the vector's
// end for every byte; per field, that and the call cost more than the bytes (callgrind: ~120
// instructions to encode a small raft::Entry). Here a value is written in one put(): one check
// that its bound fits in the room left, then its fields through a local pointer (put_varint and
// friends below), which the compiler keeps in a register.
//
// Contract:
// - A value's bound counts every varint at its longest (kMaxVarintBytes), every byte string as
//   that plus its bytes: the size bounds in raft_codec.h count this way.
// - put() asserts that the bound fits in the room left before writing, and that the value stayed
//   within its bound after. The second check comes after the bytes: a bound that undercounts its
//   value (a bug in this code, never in the input) may have written past the room before it
//   stops. Each encoder's bound is checked against its output by property tests over generated
//   messages (bounded_writer_test, raft_codec_test).
// - Only [begin, position()) holds the encoding; the caller trims the rest (Writer::bounded does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/env/types.h"

namespace keel::codec {

// The longest LEB128 encoding of a 64-bit value.
inline constexpr std::size_t kMaxVarintBytes = 10;

// The put_* functions write one field at `at` with no check and return where the next goes; only
// inside BoundedWriter::put, whose bound counts the field.
inline std::uint8_t* put_u8(std::uint8_t* at, std::uint8_t value) {
  *at = value;
  return at + 1;
}
inline std::uint8_t* put_boolean(std::uint8_t* at, bool value) { return put_u8(at, value ? 1 : 0); }
// The shortest (canonical) unsigned LEB128 encoding, as Writer::varint.
inline std::uint8_t* put_varint(std::uint8_t* at, std::uint64_t value) {
  while (value >= 0x80) {
    *at++ = static_cast<std::uint8_t>(value | 0x80);
    value >>= 7;
  }
  *at++ = static_cast<std::uint8_t>(value);
  return at;
}
// The bytes alone, with no length.
inline std::uint8_t* put_raw(std::uint8_t* at, ByteView data) {
  if (!data.empty()) std::memcpy(at, data.data(), data.size());
  return at + data.size();
}
// A varint length, then the bytes.
inline std::uint8_t* put_bytes(std::uint8_t* at, ByteView data) {
  return put_raw(put_varint(at, data.size()), data);
}

class BoundedWriter {
 public:
  // Writes into [begin, end), which must stay valid while this writes.
  BoundedWriter(std::uint8_t* begin, std::uint8_t* end) : next_(begin), end_(end) {}

  // Writes one value of at most `bound` bytes: `put_value(at)` writes it from `at` with the put_*
  // functions and returns where it ends.
  template <class PutValue>
  void put(std::size_t bound, PutValue&& put_value) {
    const std::size_t left = static_cast<std::size_t>(end_ - next_);
    if (bound > left) [[unlikely]]
      too_small(bound, left);
    std::uint8_t* const start = next_;
    std::uint8_t* const end = put_value(start);
    if (static_cast<std::size_t>(end - start) > bound) [[unlikely]]
      out_of_bound(static_cast<std::size_t>(end - start), bound);
    next_ = end;
  }

  // Where the next byte goes: the encoding is [begin, position()).
  std::uint8_t* position() const { return next_; }

 private:
  // Assertion failures, out of line so that put() stays small.
  [[noreturn, gnu::cold]] static void too_small(std::size_t bound, std::size_t left);
  [[noreturn, gnu::cold]] static void out_of_bound(std::size_t written, std::size_t bound);

  std::uint8_t* next_;
  std::uint8_t* const end_;
};

}  // namespace keel::codec
