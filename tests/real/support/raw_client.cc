#include "real/support/raw_client.h"

#include <array>
#include <boost/asio/write.hpp>

namespace keel::real::testing {
namespace asio = boost::asio;

struct RawClient::State {
  explicit State(asio::io_context& io) : socket(io) {}
  asio::ip::tcp::socket socket;
  std::array<std::uint8_t, 4096> buffer{};
  Bytes received;
  bool closed = false;
};

RawClient::RawClient(asio::io_context& io, std::uint16_t port)
    : state_(std::make_shared<State>(io)) {
  state_->socket.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  read_more(state_);
}

RawClient::~RawClient() {
  boost::system::error_code ignored;
  state_->socket.close(ignored);
}

bool RawClient::closed() const { return state_->closed; }

const Bytes& RawClient::received() const { return state_->received; }

void RawClient::write(ByteView bytes) {
  boost::system::error_code error;
  asio::write(state_->socket, asio::buffer(bytes.data(), bytes.size()), error);
  if (error) state_->closed = true;
}

void RawClient::read_more(const std::shared_ptr<State>& state) {
  state->socket.async_read_some(
      asio::buffer(state->buffer), [state](const boost::system::error_code& error, std::size_t n) {
        if (error) {
          state->closed = true;
          return;
        }
        state->received.insert(state->received.end(), state->buffer.begin(),
                               state->buffer.begin() + n);
        read_more(state);
      });
}

}  // namespace keel::real::testing
