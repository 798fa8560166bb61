// Reader: decodes what a Writer wrote, from input that may be truncated, corrupt or hostile.
//
// Contract:
// - Every read is bounds-checked; the Reader never reads outside its input.
// - Failures are sticky: the first failure is recorded (with the field's name and the byte offset)
//   and every later read returns a zero value without consuming input. Decoders read all their
//   fields, then check ok() or finish() once.
// - Length prefixes and element counts are checked against both the bytes that remain and a limit
//   before anything is allocated, so a short input can never make its decoder allocate much.
// - Malformed input fails with Errc::kCorrupt; a length or count over its limit with
//   Errc::kLimitExceeded. Messages name the field: "Entry.data: length 90 exceeds the 12 bytes
//   left (at offset 7)".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/env/assert.h"
#include "core/env/error.h"
#include "core/env/str.h"
#include "core/env/types.h"

namespace keel::codec {

// The longest varint read_short_varint() reads.
inline constexpr std::size_t kMaxShortVarintBytes = 3;

// Reads a varint of one to three bytes in its shortest form from [at, end) into `value`, moving
// `at` past it; returns false, moving nothing, for anything else (a longer varint, a malformed one,
// or too few bytes), which Reader::varint() then reads or rejects. Most values fit in one byte,
// which is always the shortest form; most others (log indexes, commit points, lengths) in two or
// three. A last byte of 0 after others is not the shortest form. For decoders that read fields
// from raw pointers on their fast path (read_entries in raft_codec.cc) and Reader::varint().
inline bool read_short_varint(const std::uint8_t*& at, const std::uint8_t* end,
                              std::uint64_t& value) {
  // Whether `byte` ends a varint of two or more bytes in its shortest form: no continuation bit,
  // and not 0 (which would make the byte before it the last).
  const auto is_canonical_last_byte = [](std::uint8_t byte) { return byte - 1u < 0x7Fu; };
  const std::size_t available = static_cast<std::size_t>(end - at);
  if (available >= 1 && at[0] < 0x80) {
    value = at[0];
    at += 1;
    return true;
  }
  if (available >= 2 && is_canonical_last_byte(at[1])) {
    value = (at[0] & 0x7Fu) | std::uint64_t{at[1]} << 7;
    at += 2;
    return true;
  }
  if (available >= 3 && at[1] >= 0x80 && is_canonical_last_byte(at[2])) {
    value = (at[0] & 0x7Fu) | std::uint64_t{at[1] & 0x7Fu} << 7 | std::uint64_t{at[2]} << 14;
    at += 3;
    return true;
  }
  return false;
}

// read_short_varint() where at least kMaxShortVarintBytes bytes are known to be readable at `at`
// (a decoder checked once for a run of fields): no bounds check of its own.
inline bool read_short_varint_unchecked(const std::uint8_t*& at, std::uint64_t& value) {
  return read_short_varint(at, at + kMaxShortVarintBytes, value);
}

// Reads a boolean (0 or 1) from [at, end) into `value`, moving `at` past it; returns false, moving
// nothing, for anything else or no byte, which Reader::boolean() then rejects. For decoders that
// read fields from raw pointers, and Reader::boolean().
inline bool read_short_boolean(const std::uint8_t*& at, const std::uint8_t* end, bool& value) {
  if (at == end || *at > 1) return false;
  value = *at++ == 1;
  return true;
}

class Reader {
 public:
  explicit Reader(ByteView input)
      : begin_(input.data()),
        next_(input.data()),
        readable_end_(input.data() + input.size()),
        end_(input.data() + input.size()) {}

  std::uint8_t u8(std::string_view field) {
    if (next_ < readable_end_) return *next_++;
    return static_cast<std::uint8_t>(fixed(field, 1));  // records the failure
  }
  std::uint16_t u16(std::string_view field);
  std::uint32_t u32(std::string_view field);
  std::uint64_t u64(std::string_view field);
  // Rejects encodings longer than the canonical one and values past 64 bits.
  std::uint64_t varint(std::string_view field) {
    std::uint64_t value;
    if (read_short_varint(next_, readable_end_, value)) return value;  // none once a read failed
    return long_varint(field);
  }
  // Rejects anything but 0 and 1.
  bool boolean(std::string_view field) {
    bool value;
    if (read_short_boolean(next_, readable_end_, value)) return value;  // none once a read failed
    return bad_boolean(field);
  }
  // A length-prefixed byte string of at most `limit` bytes, as a view into the input.
  ByteView bytes(std::string_view field, std::size_t limit) {
    const std::uint64_t length = varint(field);
    if (length <= limit && length <= static_cast<std::size_t>(readable_end_ - next_)) {
      const ByteView view(next_, static_cast<std::size_t>(length));
      next_ += length;
      return view;
    }
    check_length(field, length, limit, remaining(), "length");  // records the failure
    return {};
  }
  // Exactly `length` bytes with no prefix, as a view into the input.
  ByteView raw(std::string_view field, std::size_t length);
  // A varint count of elements that follow, each at least `min_element_bytes` long: at most
  // `limit`, and never more than the remaining input could hold (safe to reserve()).
  std::size_t count(std::string_view field, std::size_t limit, std::size_t min_element_bytes = 1) {
    const std::uint64_t n = varint(field);
    // n <= limit first, so that n * min_element_bytes cannot overflow.
    if (n <= limit && n * min_element_bytes <= static_cast<std::size_t>(readable_end_ - next_)) {
      return static_cast<std::size_t>(n);
    }
    const std::size_t available = min_element_bytes == 0 ? limit : remaining() / min_element_bytes;
    check_length(field, n, limit, available, "count");  // records the failure
    return 0;
  }

  // Records a failure found by the caller (a value out of range, say), unless one is recorded.
  void fail(Errc code, std::string_view field, std::string_view what);

  // Records that an enum's byte `raw` is not below `count` (read_enum() below, whose fast path
  // this keeps small enough to inline).
  [[gnu::cold]] void bad_enum(std::string_view field, std::uint8_t raw, int count);

  // Prefixes the recorded failure's message with "context: " (a nested value's place, say
  // "Message.entries[3]"). Call only right after the nested read failed.
  void add_context(std::string_view context);

  bool ok() const { return !error_; }
  // The first failure; only when !ok().
  const Error& error() const { return *error_; }
  std::size_t offset() const { return static_cast<std::size_t>(next_ - begin_); }
  std::size_t remaining() const { return static_cast<std::size_t>(end_ - next_); }
  // The input not read yet.
  ByteView rest() const { return ByteView(next_, remaining()); }
  // Moves past `n` bytes of rest() that the caller has read some other way (a copy of them, say);
  // they must be there and no read may have failed.
  void skip(std::size_t n) {
    if (error_ || n > remaining()) [[unlikely]]
      bad_skip(n);
    next_ += n;
  }
  // Success if no read failed and the whole input was consumed.
  Status finish(std::string_view what) {
    if (!error_ && remaining() == 0) return {};
    return unfinished(what);
  }

 private:
  // Fails unless `n` bytes remain.
  bool need(std::string_view field, std::size_t n);
  std::uint64_t fixed(std::string_view field, std::size_t width);
  // varint() past its fast paths (values of one to three bytes).
  std::uint64_t long_varint(std::string_view field);
  // finish() when a read failed or input is left: the error.
  Status unfinished(std::string_view what) const;
  // Records why the varint at next_ (of which `available` bytes are there) is malformed.
  [[gnu::cold]] void bad_varint(std::string_view field, std::size_t available);
  // The assertion skip() breaks, out of line so that skip() stays small enough to inline.
  [[noreturn, gnu::cold]] void bad_skip(std::size_t n) const;
  // boolean() past its fast path: reads the byte (or records the failure) and rejects it if over 1.
  bool bad_boolean(std::string_view field);
  // Checks a length or count: at most `limit` (kLimitExceeded) and at most `available`
  // (kCorrupt).
  bool check_length(std::string_view field, std::uint64_t length, std::size_t limit,
                    std::size_t available, std::string_view unit);

  // The input is [begin_, end_); the next byte to read is at next_. Pointers rather than offsets,
  // so that a decoder's stores into the integer fields it fills cannot alias them (the compiler
  // then keeps them in registers between reads instead of loading them again after every field).
  const std::uint8_t* begin_;
  const std::uint8_t* next_;
  // end_ until a read fails, then next_ (so never below it): the fast paths read only below it,
  // so one comparison tells them both that no read failed and that the input holds their bytes.
  const std::uint8_t* readable_end_;
  const std::uint8_t* end_;
  std::optional<Error> error_;
};

// Reads a one-byte enum and checks it against the number of enumerators (0 .. count - 1).
template <class E>
E read_enum(Reader& in, std::string_view field, int count) {
  const std::uint8_t raw = in.u8(field);
  if (raw < count) [[likely]]
    return static_cast<E>(raw);
  in.bad_enum(field, raw, count);
  return E{};
}

}  // namespace keel::codec
