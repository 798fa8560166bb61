// libFuzzer target: the peer port's decoders, fed bytes from nowhere (issue 7: garbage on the
// peer port never crashes a node). The bytes go through the TCP stream decoder
// (real/frame_stream_decoder.h), in two reads cut where the first byte says, and every frame it
// cuts, and the whole input too, through the frame decoders (core/codec/frame.h). Whatever
// decodes must survive a round trip: encoding it again gives a frame that decodes to the same.
// Any assertion or sanitizer report is a finding.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/codec/frame.h"
#include "core/env/assert.h"
#include "real/frame_stream_decoder.h"
#include "real/wire.h"

namespace keel {
namespace {

void decode(ByteView bytes) {
  if (auto frame = codec::decode_frame(bytes)) {
    auto again = codec::decode_frame(codec::encode_frame(frame->cluster, frame->message));
    KEEL_ASSERT(again && again->cluster == frame->cluster && again->message == frame->message,
                "a decoded frame re-encodes to the same frame");
  } else {
    KEEL_ASSERT(!frame.error().message.empty(), "a refused frame says why");
  }
  if (auto node = codec::decode_node_frame(bytes)) {
    auto again = codec::decode_node_frame(codec::encode_node_frame(node->cluster, node->payload));
    KEEL_ASSERT(again && again->cluster == node->cluster && again->payload == node->payload,
                "a decoded node frame re-encodes to the same node frame");
  }
}

// Feeds `bytes` to a stream decoder in pieces of at most `piece` bytes; decodes its frames.
void stream(ByteView bytes, std::size_t piece) {
  real::FrameStreamDecoder decoder(real::kMaxStreamFrameBytes);
  while (!bytes.empty()) {
    const auto space = decoder.space();
    const std::size_t n = std::min({space.size(), bytes.size(), piece});
    std::memcpy(space.data(), bytes.data(), n);
    decoder.commit(n);
    bytes = bytes.subspan(n);
    for (;;) {
      auto next = decoder.next();
      if (!next) return;  // over the limit: the connection would be closed
      if (!*next) break;
      decode(**next);
    }
  }
}

}  // namespace
}  // namespace keel

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const keel::ByteView bytes(data, size);
  keel::decode(bytes);
  keel::stream(bytes, size == 0 ? 1 : 1 + data[0] % 64);
  return 0;
}
