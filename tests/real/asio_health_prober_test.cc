// AsioHealthProber on loopback: a tcp check passes against a listener and fails against a closed
// port; an http check passes on 2xx only, and fails within its timeout against a server that
// never answers; exec fails without a container runtime (exec_probe_test.cc runs it in one);
// `done` never runs inside probe().
#include "real/asio_health_prober.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <optional>

#include "real/asio_clock.h"
#include "real/support/run_loop.h"
#include "real/support/trace_recorder.h"

namespace keel::real {
namespace {

using boost::asio::ip::tcp;
using std::chrono::milliseconds;

// A loopback server that answers each request's head with `reply`, or (empty reply) reads and
// says nothing.
class FakeService {
 public:
  FakeService(boost::asio::io_context& io, std::string reply)
      : acceptor_(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
        reply_(std::move(reply)) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  const std::string& request() const { return request_; }

 private:
  struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    boost::asio::streambuf in;
  };

  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& error, tcp::socket socket) {
      if (error) return;
      auto connection = std::make_shared<Connection>(std::move(socket));
      connections_.push_back(connection);
      boost::asio::async_read_until(
          connection->socket, connection->in, "\r\n\r\n",
          [this, connection](const boost::system::error_code& e, std::size_t length) {
            if (e) return;
            const auto data = connection->in.data();
            request_.assign(boost::asio::buffers_begin(data),
                            boost::asio::buffers_begin(data) + length);
            if (reply_.empty()) return;
            boost::asio::async_write(connection->socket, boost::asio::buffer(reply_),
                                     [](const boost::system::error_code&, std::size_t) {});
          });
      accept();
    });
  }

  tcp::acceptor acceptor_;
  std::string reply_;
  std::string request_;
  std::vector<std::shared_ptr<Connection>> connections_;
};

class AsioHealthProberTest : public ::testing::Test {
 protected:
  // Probes 127.0.0.1:port; returns whether it passed, or nullopt without an answer in 5 s.
  std::optional<bool> probe(std::uint16_t port, fleet::CheckKind kind, std::string_view argument,
                            Duration timeout = std::chrono::seconds(2)) {
    AsioHealthProber prober(io_, MachineTrace("n1", clock_, trace_), nullptr, timeout);
    std::optional<bool> passed;
    prober.probe(fleet::ServiceRecord{"web", "web.service", "n1", "127.0.0.1", port}, 1, kind,
                 argument, [&](bool ok) { passed = ok; });
    EXPECT_FALSE(passed.has_value()) << "done ran inside probe()";
    testing::run_until(io_, [&] { return passed.has_value(); });
    return passed;
  }
  std::uint16_t closed_port() {
    tcp::acceptor acceptor(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    return acceptor.local_endpoint().port();
  }

  boost::asio::io_context io_;
  AsioClock clock_{io_};
  testing::TraceRecorder trace_;
};

TEST_F(AsioHealthProberTest, TcpPassesAgainstAListenerAndFailsAgainstAClosedPort) {
  FakeService service(io_, "");
  EXPECT_EQ(probe(service.port(), fleet::CheckKind::kTcp, ""), true);
  EXPECT_EQ(probe(closed_port(), fleet::CheckKind::kTcp, ""), false);
}

TEST_F(AsioHealthProberTest, HttpPassesOnTwoHundredsOnly) {
  FakeService ok(io_, "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(probe(ok.port(), fleet::CheckKind::kHttp, "/healthz"), true);
  EXPECT_TRUE(ok.request().starts_with("GET /healthz HTTP/1.0\r\n")) << ok.request();
  FakeService broken(io_, "HTTP/1.1 503 Service Unavailable\r\n\r\n");
  EXPECT_EQ(probe(broken.port(), fleet::CheckKind::kHttp, ""), false);
  EXPECT_TRUE(broken.request().starts_with("GET / HTTP/1.0\r\n")) << broken.request();
  FakeService not_http(io_, "SSH-2.0-OpenSSH\r\n\r\n");
  EXPECT_EQ(probe(not_http.port(), fleet::CheckKind::kHttp, "/"), false);
  EXPECT_EQ(probe(closed_port(), fleet::CheckKind::kHttp, "/"), false);
}

TEST_F(AsioHealthProberTest, AServiceThatNeverAnswersFailsWithinTheTimeout) {
  FakeService silent(io_, "");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(probe(silent.port(), fleet::CheckKind::kHttp, "/", milliseconds(200)), false);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, milliseconds(200));
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST_F(AsioHealthProberTest, ExecFailsWithoutAContainerRuntime) {
  EXPECT_EQ(probe(1, fleet::CheckKind::kExec, "/bin/true"), false);
  EXPECT_EQ(trace_.matching({"check_failed", AsioHealthProber::kNoContainers}).size(), 1u);
}

TEST(HttpStatusCodeTest, ReadsTheCodeOfAStatusLineOnly) {
  EXPECT_EQ(http_status_code("HTTP/1.1 200 OK\r\n"), 200);
  EXPECT_EQ(http_status_code("HTTP/1.0 404\r\n"), 404);
  EXPECT_EQ(http_status_code("HTTP/1.1 20"), 0);
  EXPECT_EQ(http_status_code("HTTP/1.1 2000 OK"), 0);
  EXPECT_EQ(http_status_code("HTTP/1.1 099 Low"), 0);
  EXPECT_EQ(http_status_code("SSH-2.0 200"), 0);
}

}  // namespace
}  // namespace keel::real
