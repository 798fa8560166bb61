// Compact byte strings for the key index, where every byte per key counts (the target is at most
// twice the raw key and value bytes per key once history is compacted).
#pragma once

#include <cstdint>
#include <cstring>

#include "core/env/types.h"

namespace keel::kv {

// A key: up to kInline bytes are stored in the object itself (24 bytes in all), longer keys in one
// heap block. Ordered as unsigned bytes, shorter first on a common prefix (etcd's byte order).
class KeyBytes {
 public:
  static constexpr std::size_t kInline = 20;

  KeyBytes() = default;
  explicit KeyBytes(ByteView bytes);
  KeyBytes(const KeyBytes& other) : KeyBytes(other.view()) {}
  KeyBytes(KeyBytes&& other) noexcept;
  KeyBytes& operator=(KeyBytes other) noexcept;
  ~KeyBytes();

  std::size_t size() const { return size_; }
  const std::uint8_t* data() const { return size_ <= kInline ? inline_ : heap(); }
  ByteView view() const { return ByteView(data(), size_); }

 private:
  std::uint8_t* heap() const {
    std::uint8_t* pointer;
    std::memcpy(&pointer, inline_, sizeof pointer);
    return pointer;
  }

  std::uint32_t size_ = 0;
  std::uint8_t inline_[kInline] = {};  // the bytes, or the heap block's address
};

// Three-way comparison of byte strings as etcd orders keys.
inline int compare_bytes(ByteView a, ByteView b) {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  if (n != 0) {
    if (const int c = std::memcmp(a.data(), b.data(), n); c != 0) return c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

struct KeyLess {
  using is_transparent = void;
  bool operator()(const KeyBytes& a, const KeyBytes& b) const {
    return compare_bytes(a.view(), b.view()) < 0;
  }
  bool operator()(const KeyBytes& a, ByteView b) const { return compare_bytes(a.view(), b) < 0; }
  bool operator()(ByteView a, const KeyBytes& b) const { return compare_bytes(a, b.view()) < 0; }
};

// Orders Bytes like keys (and avoids g++ 12's false -Wstringop-overread on vector's operator<).
struct BytesLess {
  bool operator()(const Bytes& a, const Bytes& b) const { return compare_bytes(a, b) < 0; }
};

// A value: one pointer to a heap block holding a 32-bit length and the bytes; empty values take
// no block.
class ValueBytes {
 public:
  ValueBytes() = default;
  explicit ValueBytes(ByteView bytes);
  ValueBytes(const ValueBytes& other) : ValueBytes(other.view()) {}
  ValueBytes(ValueBytes&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
  ValueBytes& operator=(ValueBytes other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~ValueBytes();

  std::size_t size() const;
  ByteView view() const;

 private:
  std::uint8_t* block_ = nullptr;
};

}  // namespace keel::kv
