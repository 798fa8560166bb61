#include "core/codec/writer.h"

#include "core/env/assert.h"

namespace keel::codec {

void Writer::bytes(ByteView data) {
  varint(data.size());
  raw(data);
}

void Writer::string(std::string_view text) {
  bytes(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void Writer::raw(ByteView data) { out_.insert(out_.end(), data.begin(), data.end()); }

void Writer::patch_u32(std::size_t position, std::uint32_t value) {
  KEEL_ASSERT(position + 4 <= out_.size(), "patch_u32 at ", position, " past the end ",
              out_.size());
  for (int i = 0; i < 4; ++i) out_[position + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

}  // namespace keel::codec
