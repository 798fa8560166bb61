#include "real/frame_stream_decoder.h"

#include <algorithm>
#include <cstring>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "real/wire.h"

namespace keel::real {
namespace {
// Bytes asked of the socket beyond what is buffered, when no larger frame is in progress.
constexpr std::size_t kReadChunk = 64 * 1024;
// An empty buffer larger than this (left by a big frame) is given back.
constexpr std::size_t kKeepBufferBytes = 1024 * 1024;
}  // namespace

FrameStreamDecoder::FrameStreamDecoder(std::size_t max_frame_bytes)
    : max_frame_bytes_(max_frame_bytes) {}

std::size_t FrameStreamDecoder::frame_in_progress_bytes() const {
  if (buffered() < kLengthPrefixBytes) return kLengthPrefixBytes;
  const std::size_t length = decode_length_prefix(buffer_.data() + begin_);
  return kLengthPrefixBytes + std::min(length, max_frame_bytes_);
}

std::span<std::uint8_t> FrameStreamDecoder::space() {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, buffered());
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == 0 && buffer_.size() > kKeepBufferBytes) Bytes().swap(buffer_);
  // Grow by doubling toward the frame in progress, or by one chunk past it.
  const std::size_t target =
      std::max(end_ + kReadChunk, std::min(frame_in_progress_bytes(), 2 * end_));
  if (buffer_.size() < target) buffer_.resize(target);
  return std::span<std::uint8_t>(buffer_.data() + end_, buffer_.size() - end_);
}

void FrameStreamDecoder::commit(std::size_t n) {
  KEEL_ASSERT(end_ + n <= buffer_.size(), "committed ", n, " bytes past the space given");
  end_ += n;
}

Result<std::optional<ByteView>> FrameStreamDecoder::next() {
  if (buffered() < kLengthPrefixBytes) return std::nullopt;
  const std::size_t length = decode_length_prefix(buffer_.data() + begin_);
  if (length > max_frame_bytes_) {
    return fail(Errc::kLimitExceeded, str("stream frame: length prefix announces ", length,
                                          " bytes, the limit is ", max_frame_bytes_));
  }
  if (buffered() < kLengthPrefixBytes + length) return std::nullopt;
  const ByteView frame(buffer_.data() + begin_ + kLengthPrefixBytes, length);
  begin_ += kLengthPrefixBytes + length;
  return frame;
}

}  // namespace keel::real
