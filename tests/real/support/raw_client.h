// Test helper: a plain TCP client on 127.0.0.1, for feeding a listening port whatever a test
// wants (garbage, truncated hellos, huge lengths) and seeing whether the other side hangs up.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/env/types.h"

namespace keel::real::testing {

class RawClient {
 public:
  // Connects at once (the kernel completes a loopback connect from the listen backlog, before
  // the server accepts) and starts reading in the background on `io`.
  RawClient(boost::asio::io_context& io, std::uint16_t port);
  ~RawClient();

  // Writes at once; for the few bytes a test sends, the socket buffer takes them without blocking.
  void write(ByteView bytes);
  // Whether the other side closed or reset the connection.
  bool closed() const;
  // Everything received so far.
  const Bytes& received() const;

 private:
  struct State;
  static void read_more(const std::shared_ptr<State>& state);
  std::shared_ptr<State> state_;
};

}  // namespace keel::real::testing
