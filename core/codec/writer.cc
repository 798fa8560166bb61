#include "core/codec/writer.h"

namespace keel::codec {

void Writer::string(std::string_view text) {
  bytes(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void Writer::raw(ByteView data) { out_.insert(out_.end(), data.begin(), data.end()); }

}  // namespace keel::codec
