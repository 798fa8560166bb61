// FrameStreamDecoder: cuts the receive side of a connection, a byte stream of
// { length u32 | frame } records (real/wire.h), back into frames. It trusts nothing: a length
// over the limit is an error before anything is allocated for it, and the buffer grows only as
// bytes actually arrive (doubling), so a peer that announces a large frame and stalls costs little.
//
// Use: read_some() into space(), commit() what was read, then take frames with next() until it
// says more bytes are needed. Frame views stay valid until the next space().
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "core/env/error.h"
#include "core/env/types.h"

namespace keel::real {

class FrameStreamDecoder {
 public:
  explicit FrameStreamDecoder(std::size_t max_frame_bytes);

  // Free space to read into, never empty.
  std::span<std::uint8_t> space();
  // Records that `n` bytes were written at the start of the last space().
  void commit(std::size_t n);

  // The next whole frame; nullopt when more bytes are needed; kLimitExceeded (naming the announced
  // and allowed lengths) when the next frame is over the limit, after which the stream is
  // unusable and the connection must be closed.
  Result<std::optional<ByteView>> next();

  // Bytes received and not yet returned as frames.
  std::size_t buffered() const { return end_ - begin_; }

 private:
  // Total bytes (prefix included) the frame at begin_ needs: its prefix alone while that is
  // incomplete.
  std::size_t frame_in_progress_bytes() const;

  std::size_t max_frame_bytes_;
  Bytes buffer_;
  std::size_t begin_ = 0;  // first byte not yet returned
  std::size_t end_ = 0;    // one past the last byte received
};

}  // namespace keel::real
