// Interop with real etcd 3.4 (Debian's etcd-server and etcd-client, see scripts/setup): the same
// v2 requests go to an `etcd --enable-v2` started here on free loopback ports and to a Keel
// member, and the answers must agree (status and JSON, indexes, times and generated key names
// blanked); then the same `ETCDCTL_API=2 etcdctl` commands run against both and must print the
// same things and exit the same way. Skipped, saying why, when etcd cannot run here.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <regex>

#include "real/support/http_client.h"
#include "real/support/json_shape.h"
#include "real/support/keeld_process.h"
#include "real/support/kv_member.h"
#include "real/support/run_loop.h"

namespace keel::real {
namespace {

using testing::HttpReply;
using testing::HttpTestClient;
using testing::Subprocess;
namespace beast_http = boost::beast::http;

struct Step {
  beast_http::verb method;
  std::string target;  // "{index}": the X-Etcd-Index of the same server's previous answer
  std::string body;
};

// The v2 requests of the comparison, as curl scripts send them.
std::vector<Step> script() {
  using beast_http::verb;
  return {
      {verb::put, "/v2/keys/message", "value=Hello+world"},
      {verb::get, "/v2/keys/message", ""},
      {verb::put, "/v2/keys/message", "value=Hello+etcd"},
      {verb::delete_, "/v2/keys/message", ""},
      {verb::get, "/v2/keys/message", ""},
      {verb::put, "/v2/keys/foo?ttl=20", "value=bar"},
      {verb::put, "/v2/keys/dir?dir=true", ""},
      {verb::put, "/v2/keys/dir?dir=true", ""},
      {verb::put, "/v2/keys/dir/a/b", "value=1"},
      {verb::put, "/v2/keys/dir/c", "value=2"},
      {verb::put, "/v2/keys/dir/_hidden", "value=3"},
      // etcd lists children in Go map order unless sorted=true: listings of several are sorted.
      {verb::get, "/v2/keys/dir?sorted=true", ""},
      {verb::get, "/v2/keys/dir/a", ""},
      {verb::get, "/v2/keys/dir?recursive=true&sorted=true", ""},
      {verb::get, "/v2/keys/dir/_hidden", ""},
      {verb::get, "/v2/keys/dir/none/deeper", ""},
      {verb::get, "/v2/keys/dir/c/deeper", ""},
      {verb::delete_, "/v2/keys/dir/none/deeper", ""},
      {verb::put, "/v2/keys/dir/none/deeper?prevExist=true", "value=x"},
      {verb::put, "/v2/keys/dir/c/d", "value=x"},
      {verb::put, "/v2/keys/dir", "value=x"},
      {verb::delete_, "/v2/keys/dir", ""},
      {verb::delete_, "/v2/keys/dir?dir=true", ""},
      {verb::delete_, "/v2/keys/dir/c?dir=true", ""},
      {verb::put, "/v2/keys/", "value=x"},
      {verb::delete_, "/v2/keys/", ""},
      {verb::put, "/v2/keys/k?prevExist=false", "value=one"},
      {verb::put, "/v2/keys/k?prevExist=false", "value=two"},
      {verb::put, "/v2/keys/nope?prevExist=true", "value=two"},
      {verb::put, "/v2/keys/k?prevExist=true", "value=two"},
      {verb::put, "/v2/keys/k?prevValue=one", "value=three"},
      {verb::put, "/v2/keys/k?prevValue=two", "value=three"},
      {verb::put, "/v2/keys/k?prevIndex=1", "value=four"},
      {verb::put, "/v2/keys/k?prevIndex={index}", "value=four"},
      {verb::put, "/v2/keys/k?prevIndex=1&prevValue=x", "value=five"},
      {verb::put, "/v2/keys/nope?prevValue=x", "value=five"},
      {verb::put, "/v2/keys/dir?prevValue=x", "value=five"},
      {verb::delete_, "/v2/keys/k?prevValue=three", ""},
      {verb::delete_, "/v2/keys/k?prevValue=four", ""},
      {verb::put, "/v2/keys/k?prevValue=", "value=x"},
      {verb::put, "/v2/keys/k?ttl=abc", "value=x"},
      {verb::put, "/v2/keys/k?prevIndex=x", "value=x"},
      {verb::put, "/v2/keys/k?prevExist=maybe", "value=x"},
      {verb::put, "/v2/keys/k?refresh=true", "value=x"},
      {verb::put, "/v2/keys/k?refresh=true", ""},
      {verb::post, "/v2/keys/queue", "value=job1"},
      {verb::post, "/v2/keys/queue", "value=job2"},
      {verb::get, "/v2/keys/queue?sorted=true", ""},
      {verb::post, "/v2/keys/foo", "value=x"},
      {verb::put, "/v2/keys/w", "value=1"},
      {verb::put, "/v2/keys/w", "value=2"},
      {verb::get, "/v2/keys/w?wait=true&waitIndex={index}", ""},
      {verb::get, "/v2/keys/w?wait=true&waitIndex=x", ""},
      {verb::get, "/v2/keys/w?recursive=maybe", ""},
      {verb::put, "/v2/keys/w", "value=3"},
      {verb::delete_, "/v2/keys/dir?recursive=true", ""},
      {verb::put, "/v2/keys/foo?ttl=30&refresh=true&prevExist=true", ""},
      {verb::put, "/v2/keys/foo?ttl=", "value=permanent"},
      {verb::get, "/v2/keys/?recursive=true&sorted=true&quorum=true", ""},
  };
}

// etcdctl's output with indexes blanked: "Error:  100: Key not found (/a) [12]".
std::string ctl_shape(const std::string& output) {
  static const std::regex kIndex(R"re(\[\d+\])re");
  return std::regex_replace(output, kIndex, "[N]");
}

class EtcdInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::find_in_path("etcd") || !testing::find_in_path("etcdctl")) {
      GTEST_SKIP() << "etcd or etcdctl is not installed (scripts/setup installs etcd-server and "
                      "etcd-client): the etcd interop test cannot run here";
    }
    char pattern[] = "/tmp/keel-etcd-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    const std::string client = "http://127.0.0.1:" + std::to_string(testing::free_port());
    const std::string peer = "http://127.0.0.1:" + std::to_string(testing::free_port());
    etcd_url_ = client;
    etcd_ = std::make_unique<Subprocess>(
        "etcd",
        std::vector<std::string>{
            "--name", "interop", "--data-dir", dir_ + "/etcd", "--enable-v2=true",
            "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls",
            peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "interop=" + peer},
        dir_ + "/etcd.log", dir_ + "/etcd.log");
    etcd_client_ = std::make_unique<HttpTestClient>(io_, port_of(client));
    if (!wait_for_etcd()) {
      GTEST_SKIP() << "etcd did not come up within 20 s; its log:\n"
                   << testing::read_text(dir_ + "/etcd.log");
    }
    const std::uint16_t keel_port = testing::free_port();
    keel_url_ = "http://127.0.0.1:" + std::to_string(keel_port);
    http::ApiServerOptions options;
    options.listen = Endpoint{"127.0.0.1", keel_port};
    options.members = {http::ApiMember{1, "n1", {"http://127.0.0.1:2380"}, {keel_url_}}};
    keel_ = std::make_unique<testing::KvMember>(io_, options);
    ASSERT_TRUE(keel_->ready());
    keel_client_ = std::make_unique<HttpTestClient>(io_, keel_->port());
  }

  void TearDown() override {
    keel_.reset();
    etcd_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  static std::uint16_t port_of(const std::string& url) {
    return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  }

  // Polls etcd's /health every 50 ms (a timer on the loop), up to 20 s.
  bool wait_for_etcd() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline && !etcd_->wait_exit(Duration(0))) {
      const HttpReply health =
          etcd_client_->send(beast_http::verb::get, "/health", "", std::chrono::milliseconds(500));
      if (health.status == 200) return true;
      boost::asio::steady_timer pause(io_, std::chrono::milliseconds(50));
      bool paused = false;
      pause.async_wait([&](boost::system::error_code) { paused = true; });
      testing::run_until(io_, [&] { return paused; });
    }
    return false;
  }

  // Runs `etcdctl --endpoints url args...` with ETCDCTL_API=2 while the loop keeps serving Keel.
  std::pair<int, std::string> etcdctl(const std::string& url, std::vector<std::string> args) {
    args.insert(args.begin(), {"--endpoints", url});
    const std::string log = dir_ + "/etcdctl.log";
    Subprocess ctl("etcdctl", args, log, log, {"ETCDCTL_API=2"});
    if (!testing::run_until(
            io_, [&] { return ctl.wait_exit(Duration(0)).has_value(); },
            std::chrono::seconds(15))) {
      return {-1, "etcdctl did not finish within 15 s"};
    }
    return {*ctl.wait_exit(Duration(0)), testing::read_text(log)};
  }

  boost::asio::io_context io_;
  std::string dir_;
  std::string etcd_url_;
  std::string keel_url_;
  std::unique_ptr<Subprocess> etcd_;
  std::unique_ptr<testing::KvMember> keel_;
  std::unique_ptr<HttpTestClient> etcd_client_;
  std::unique_ptr<HttpTestClient> keel_client_;
};

TEST_F(EtcdInteropTest, V2RequestsGetTheSameAnswersAsEtcd) {
  std::string etcd_index = "0";
  std::string keel_index = "0";
  for (const Step& step : script()) {
    const auto with_index = [&](const std::string& index) {
      return std::regex_replace(step.target, std::regex("\\{index\\}"), index);
    };
    const HttpReply from_etcd = etcd_client_->send(step.method, with_index(etcd_index), step.body);
    const HttpReply from_keel = keel_client_->send(step.method, with_index(keel_index), step.body);
    SCOPED_TRACE(std::string(beast_http::to_string(step.method)) + " " + step.target + " " +
                 step.body);
    ASSERT_TRUE(from_etcd.answered && from_keel.answered);
    EXPECT_EQ(from_keel.status, from_etcd.status);
    EXPECT_EQ(testing::json_shape(from_keel.body), testing::json_shape(from_etcd.body));
    EXPECT_EQ(from_keel.header("content-type"), from_etcd.header("content-type"));
    EXPECT_EQ(from_keel.header("x-etcd-index").empty(), from_etcd.header("x-etcd-index").empty());
    etcd_index = from_etcd.header("x-etcd-index");
    keel_index = from_keel.header("x-etcd-index");
  }
}

TEST_F(EtcdInteropTest, EtcdctlV2BehavesTheSameOnKeel) {
  const std::vector<std::vector<std::string>> commands = {
      {"set", "/ctl/a", "1"},
      {"get", "/ctl/a"},
      {"mk", "/ctl/a", "2"},
      {"mk", "/ctl/b", "2"},
      {"update", "/ctl/a", "3"},
      {"update", "/ctl/zz", "3"},
      {"mkdir", "/ctl/d"},
      {"mkdir", "/ctl/d"},
      {"set", "--ttl", "30", "/ctl/t", "x"},
      {"ls", "--sort", "--recursive", "/ctl"},
      {"ls", "--sort", "/ctl"},
      {"rm", "/ctl/b"},
      {"get", "/ctl/b"},
      {"rmdir", "/ctl/d"},
      {"rm", "/ctl"},
      {"rm", "--recursive", "/ctl"},
      {"get", "/ctl/a"},
  };
  for (const std::vector<std::string>& command : commands) {
    std::string line;
    for (const std::string& word : command) line += word + " ";
    SCOPED_TRACE("etcdctl " + line);
    const auto [etcd_code, etcd_output] = etcdctl(etcd_url_, command);
    const auto [keel_code, keel_output] = etcdctl(keel_url_, command);
    EXPECT_EQ(keel_code, etcd_code) << keel_output;
    EXPECT_EQ(ctl_shape(keel_output), ctl_shape(etcd_output));
  }
}

}  // namespace
}  // namespace keel::real
