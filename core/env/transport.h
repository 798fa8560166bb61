// env::Transport: datagram-like, best-effort delivery of whole frames between machines.
#pragma once

#include <functional>

#include "core/env/shared_bytes.h"
#include "core/env/types.h"

namespace keel {

// Contract:
// - send(to, frame) never blocks and never fails loudly: the frame may be delivered once, several
//   times, late, out of order with other frames, or never. Protocols above must tolerate all four.
// - A delivered frame is byte-for-byte the frame that was sent (corruption is detected below this
//   interface and turns into a drop), and it arrives with the sender's NodeId.
// - A frame is a SharedBytes: send() takes a copy (it shares the buffer, which never changes) and
//   keeps it until the frame is delivered, written or dropped; the receive handler runs on the
//   receiving machine's event loop, never inside send(), and may keep its own copy of the frame, or
//   slices of it, as long as it likes (the decoded entries of a Raft frame do).
// - Sending to oneself is allowed and goes through the same path.
class Transport {
 public:
  using ReceiveHandler = std::function<void(NodeId from, const SharedBytes& frame)>;
  virtual ~Transport() = default;
  virtual void send(NodeId to, SharedBytes frame) = 0;
  virtual void set_receive_handler(ReceiveHandler handler) = 0;
};

}  // namespace keel
