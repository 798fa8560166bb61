#include "core/kv/compact_bytes.h"

#include <cstdlib>
#include <new>
#include <utility>

#include "core/env/assert.h"

namespace keel::kv {
namespace {

std::uint8_t* allocate(std::size_t size) {
  auto* block = static_cast<std::uint8_t*>(std::malloc(size));
  if (block == nullptr) throw std::bad_alloc();
  return block;
}

}  // namespace

KeyBytes::KeyBytes(ByteView bytes) : size_(static_cast<std::uint32_t>(bytes.size())) {
  KEEL_ASSERT(bytes.size() <= UINT32_MAX, "key of ", bytes.size(), " bytes");
  if (size_ <= kInline) {
    if (size_ != 0) std::memcpy(inline_, bytes.data(), size_);
    return;
  }
  std::uint8_t* block = allocate(size_);
  std::memcpy(block, bytes.data(), size_);
  std::memcpy(inline_, &block, sizeof block);
}

KeyBytes::KeyBytes(KeyBytes&& other) noexcept : size_(other.size_) {
  std::memcpy(inline_, other.inline_, kInline);
  other.size_ = 0;
}

KeyBytes& KeyBytes::operator=(KeyBytes other) noexcept {
  std::swap(size_, other.size_);
  std::swap(inline_, other.inline_);
  return *this;
}

KeyBytes::~KeyBytes() {
  if (size_ > kInline) std::free(heap());
}

ValueBytes::ValueBytes(ByteView bytes) {
  if (bytes.empty()) return;
  KEEL_ASSERT(bytes.size() <= UINT32_MAX, "value of ", bytes.size(), " bytes");
  const auto size = static_cast<std::uint32_t>(bytes.size());
  block_ = allocate(sizeof size + size);
  std::memcpy(block_, &size, sizeof size);
  std::memcpy(block_ + sizeof size, bytes.data(), size);
}

ValueBytes::~ValueBytes() { std::free(block_); }

std::size_t ValueBytes::size() const {
  if (block_ == nullptr) return 0;
  std::uint32_t size;
  std::memcpy(&size, block_, sizeof size);
  return size;
}

ByteView ValueBytes::view() const {
  if (block_ == nullptr) return {};
  return ByteView(block_ + sizeof(std::uint32_t), size());
}

}  // namespace keel::kv
