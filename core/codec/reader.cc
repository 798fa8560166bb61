#include "core/codec/reader.h"

#include <algorithm>

#include "core/codec/writer.h"
#include "core/env/str.h"

namespace keel::codec {

void Reader::fail(Errc code, std::string_view field, std::string_view what) {
  if (error_) return;
  error_ = Error{code, str(field, ": ", what, " (at offset ", offset(), ")")};
  readable_end_ = next_;
}

void Reader::bad_enum(std::string_view field, std::uint8_t raw, int count) {
  fail(Errc::kCorrupt, field, str("value ", int{raw}, " is not one of the ", count, " known"));
}

void Reader::add_context(std::string_view context) {
  if (error_) error_->message = str(context, ": ", error_->message);
}

bool Reader::need(std::string_view field, std::size_t n) {
  if (error_) return false;
  if (n > remaining()) {
    fail(Errc::kCorrupt, field, str("needs ", n, " bytes, ", remaining(), " left"));
    return false;
  }
  return true;
}

std::uint64_t Reader::fixed(std::string_view field, std::size_t width) {
  if (!need(field, width)) return 0;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    value |= std::uint64_t{next_[i]} << (8 * i);
  }
  next_ += width;
  return value;
}

std::uint16_t Reader::u16(std::string_view field) {
  return static_cast<std::uint16_t>(fixed(field, 2));
}
std::uint32_t Reader::u32(std::string_view field) {
  return static_cast<std::uint32_t>(fixed(field, 4));
}
std::uint64_t Reader::u64(std::string_view field) { return fixed(field, 8); }

std::uint64_t Reader::long_varint(std::string_view field) {
  // One bound for the whole varint rather than one check per byte; no checks on the way when it
  // is well formed, bad_varint() names what is wrong when it is not.
  const std::size_t available =
      std::min(static_cast<std::size_t>(readable_end_ - next_), kMaxVarintBytes);  // 0 if failed
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < available; ++i) {
    const std::uint8_t byte = next_[i];
    value |= std::uint64_t{byte & 0x7Fu} << (7 * i);
    if (byte < 0x80) {
      // The tenth byte holds bit 63 alone; a last byte of 0 after others is not the shortest form.
      const bool canonical = i == 0 || (byte != 0 && (i < kMaxVarintBytes - 1 || byte == 1));
      if (!canonical) break;
      next_ += i + 1;
      return value;
    }
  }
  bad_varint(field, available);
  return 0;
}

void Reader::bad_varint(std::string_view field, std::size_t available) {
  if (error_) return;
  for (std::size_t i = 0; i < available; ++i) {
    const std::uint8_t byte = next_[i];
    if (i == kMaxVarintBytes - 1 && byte > 1) break;  // overflows
    if (byte < 0x80) {
      KEEL_ASSERT(byte == 0 && i > 0, "varint at offset ", offset(), " is well formed");
      return fail(Errc::kCorrupt, field, "varint is not in its shortest form");
    }
  }
  fail(Errc::kCorrupt, field,
       available == kMaxVarintBytes ? "varint overflows 64 bits"
                                    : "varint runs past the end of the input");
}

void Reader::bad_skip(std::size_t n) const {
  KEEL_UNREACHABLE("skipping ", n, " bytes of the ", remaining(), " left",
                   error_ ? " after a failed read" : "");
}

bool Reader::bad_boolean(std::string_view field) {
  const std::uint8_t byte = u8(field);
  if (byte > 1) fail(Errc::kCorrupt, field, str("boolean is ", int{byte}, ", not 0 or 1"));
  return byte == 1;
}

bool Reader::check_length(std::string_view field, std::uint64_t length, std::size_t limit,
                          std::size_t available, std::string_view unit) {
  if (error_) return false;
  if (length > limit) {
    fail(Errc::kLimitExceeded, field, str(unit, " ", length, " exceeds the limit ", limit));
    return false;
  }
  if (length > available) {
    fail(Errc::kCorrupt, field,
         str(unit, " ", length, " exceeds what the ", remaining(), " bytes left can hold"));
    return false;
  }
  return true;
}

ByteView Reader::raw(std::string_view field, std::size_t length) {
  if (!need(field, length)) return {};
  const ByteView view(next_, length);
  next_ += length;
  return view;
}

Status Reader::unfinished(std::string_view what) const {
  if (error_) return std::unexpected(*error_);
  KEEL_ASSERT(remaining() != 0, "unfinished() called on a finished Reader");
  return keel::fail(Errc::kCorrupt,
                    str(what, ": ", remaining(), " trailing bytes after offset ", offset()));
}

}  // namespace keel::codec
