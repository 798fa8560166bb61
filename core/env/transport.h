// env::Transport: datagram-like, best-effort delivery of whole frames between machines.
#pragma once

#include <functional>

#include "core/env/types.h"

namespace keel {

// Contract:
// - send(to, frame) never blocks and never fails loudly: the frame may be delivered once, several
//   times, late, out of order with other frames, or never. Protocols above must tolerate all four.
// - A delivered frame is byte-for-byte the frame that was sent (corruption is detected below this
//   interface and turns into a drop), and it arrives with the sender's NodeId.
// - The receive handler runs on the receiving machine's event loop, never inside send(). The
//   frame view is valid only during the call.
// - Sending to oneself is allowed and goes through the same path.
class Transport {
 public:
  using ReceiveHandler = std::function<void(NodeId from, ByteView frame)>;
  virtual ~Transport() = default;
  virtual void send(NodeId to, Bytes frame) = 0;
  virtual void set_receive_handler(ReceiveHandler handler) = 0;
};

}  // namespace keel
