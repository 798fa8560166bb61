#include "real/asio_health_prober.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <memory>

#include "core/env/str.h"
#include "real/exec_probe.h"

namespace keel::real {
namespace {

using boost::asio::ip::tcp;

// One probe in flight: its socket, its deadline and its `done`, which finish() calls once.
class Probe : public std::enable_shared_from_this<Probe> {
 public:
  Probe(boost::asio::io_context& io, discovery::HealthProber::Done done)
      : socket_(io),
        deadline_(io),
        status_(AsioHealthProber::kMaxStatusLine),
        done_(std::move(done)) {}

  void start(const tcp::endpoint& target, Duration timeout, std::string request) {
    request_ = std::move(request);
    deadline_.expires_after(timeout);
    deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (!error) self->finish(false);
    });
    socket_.async_connect(target, [self = shared_from_this()](const boost::system::error_code& e) {
      if (e) return self->finish(false);
      if (self->request_.empty()) return self->finish(true);
      self->send();
    });
  }

 private:
  void send() {
    boost::asio::async_write(
        socket_, boost::asio::buffer(request_),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
          if (error) return self->finish(false);
          self->read_status();
        });
  }

  void read_status() {
    boost::asio::async_read_until(
        socket_, status_, "\r\n",
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t length) {
          if (error) return self->finish(false);
          const auto data = self->status_.data();
          const std::string line(boost::asio::buffers_begin(data),
                                 boost::asio::buffers_begin(data) + length);
          const int code = http_status_code(line);
          self->finish(code >= 200 && code < 300);
        });
  }

  void finish(bool passed) {
    if (done_ == nullptr) return;
    auto done = std::move(done_);
    done_ = nullptr;
    boost::system::error_code ignored;
    deadline_.cancel();
    socket_.close(ignored);
    done(passed);
  }

  tcp::socket socket_;
  boost::asio::steady_timer deadline_;
  boost::asio::streambuf status_;
  std::string request_;  // empty for a TCP check
  discovery::HealthProber::Done done_;
};

}  // namespace

int http_status_code(std::string_view line) {
  if (!line.starts_with("HTTP/")) return 0;
  const auto space = line.find(' ');
  if (space == std::string_view::npos || line.size() < space + 4) return 0;
  int code = 0;
  const char* first = line.data() + space + 1;
  const auto [end, error] = std::from_chars(first, first + 3, code);
  if (error != std::errc() || end != first + 3 || code < 100 || code > 599) return 0;
  const std::string_view after = line.substr(space + 4);
  if (!after.empty() && after.front() != ' ' && after.front() != '\r') return 0;
  return code;
}

void AsioHealthProber::fail_later(std::string_view why, std::string_view detail, Done done) {
  trace_.emit("prober", "check_failed", {{"why", why}, {"detail", detail}});
  boost::asio::post(io_, [done = std::move(done)] { done(false); });
}

void AsioHealthProber::probe_exec(ContainerId container, std::string_view command, Done done) {
  if (containers_ == nullptr) return fail_later(kNoContainers, command, std::move(done));
  if (*exec_running_ >= max_exec_running_) {
    return fail_later(
        str("already ", *exec_running_, " exec checks running: the limit is ", max_exec_running_),
        command, std::move(done));
  }
  auto plan = make_exec_plan(command);
  if (!plan) return fail_later(plan.error().message, command, std::move(done));
  auto entry = containers_->entry(container);
  if (!entry) return fail_later(entry.error().message, command, std::move(done));
  auto spawned = spawn_exec(*entry, *plan);
  if (!spawned) return fail_later(spawned.error().message, command, std::move(done));
  run_exec_probe(io_, trace_, std::move(*spawned), timeout_, exec_running_, std::move(done));
}

void AsioHealthProber::probe(const fleet::ServiceRecord& target, ContainerId container,
                             fleet::CheckKind kind, std::string_view argument, Done done) {
  if (kind == fleet::CheckKind::kExec) return probe_exec(container, argument, std::move(done));
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(target.ip, error);
  if (error) return fail_later("not an IP address", target.ip, std::move(done));
  std::string request;
  if (kind == fleet::CheckKind::kHttp) {
    const std::string_view path = argument.empty() ? "/" : argument;
    request = str("GET ", path, " HTTP/1.0\r\nHost: ", target.ip, ":", target.port,
                  "\r\nConnection: close\r\n\r\n");
  }
  std::make_shared<Probe>(io_, std::move(done))
      ->start(tcp::endpoint(address, target.port), timeout_, std::move(request));
}

}  // namespace keel::real
