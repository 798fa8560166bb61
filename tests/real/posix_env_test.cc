#include "real/posix_env.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "real/support/run_loop.h"

namespace keel::real {
namespace {

using testing::run_until;

class PosixEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/keel-env-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  PosixEnvConfig config(NodeId self, std::string data_dir) const {
    PosixEnvConfig config;
    config.name = "n" + std::to_string(self);
    config.transport.self = self;
    config.transport.cluster = 7;
    config.data_dir = std::move(data_dir);
    return config;
  }

  boost::asio::io_context io_;
  std::ostringstream log_;
  std::string root_;
};

TEST_F(PosixEnvTest, AssemblesAWorkingEnv) {
  auto one = PosixEnv::create(io_, config(1, root_ + "/one/data"), log_);
  ASSERT_TRUE(one) << one.error().message;
  PosixEnvConfig second = config(2, root_ + "/two");
  second.peers = {{1, Endpoint{"127.0.0.1", (*one)->transport().listen_port()}},
                  {2, Endpoint{"127.0.0.1", 0}}};  // its own entry is skipped
  auto two = PosixEnv::create(io_, second, log_);
  ASSERT_TRUE(two) << two.error().message;
  ASSERT_TRUE(
      (*one)->transport().set_peer(2, Endpoint{"127.0.0.1", (*two)->transport().listen_port()}));

  Env& env = (*one)->env();
  EXPECT_EQ(env.self, 1u);
  EXPECT_EQ(env.name, "n1");
  std::vector<NodeId> senders;
  env.transport.set_receive_handler([&](NodeId from, ByteView) { senders.push_back(from); });
  (*one)->start();
  (*two)->start();
  (*two)->env().transport.send(1, Bytes{1, 2, 3});

  bool timer_fired = false;
  env.clock.after(std::chrono::milliseconds(1), [&] { timer_fired = true; });
  ASSERT_TRUE(run_until(io_, [&] { return timer_fired && senders.size() == 1; }));
  EXPECT_EQ(senders[0], 2u);

  auto file = env.fs.open("hello", OpenMode::kCreateNew);
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_TRUE(std::filesystem::exists(root_ + "/one/data/hello"));

  env.emit("test", "event", {{"x", 1}});
  EXPECT_NE(log_.str().find("n1 env.created node=1 seed="), std::string::npos) << log_.str();
  EXPECT_NE(log_.str().find("n1 test.event x=1"), std::string::npos) << log_.str();
  EXPECT_NE(log_.str().find("n2 net.connected peer=1 direction=out"), std::string::npos);
  (*one)->stop();
  (*two)->stop();
}

TEST_F(PosixEnvTest, SeedsDifferBetweenMachines) {
  auto one = PosixEnv::create(io_, config(1, root_ + "/one"), log_);
  auto two = PosixEnv::create(io_, config(2, root_ + "/two"), log_);
  ASSERT_TRUE(one && two);
  EXPECT_NE((*one)->seed(), (*two)->seed());
}

TEST_F(PosixEnvTest, ContainersRunOnTheLoopWithLogsUnderTheDataDirectory) {
  auto made = PosixEnv::create(io_, config(1, root_), log_);
  ASSERT_TRUE(made) << made.error().message;
  Containers& containers = (*made)->env().containers;
  std::vector<ContainerEvent> events;
  containers.set_event_handler([&](const ContainerEvent& event) { events.push_back(event); });
  ContainerSpec spec;
  spec.name = "web";
  spec.argv = {"/bin/echo", "hello"};
  const ContainerId first = containers.start(spec);
  spec.name = "db";
  spec.argv = {"/bin/no-such-program"};
  const ContainerId second = containers.start(spec);
  EXPECT_NE(first, second);
  EXPECT_TRUE(events.empty()) << "an event from inside start()";
  if (::geteuid() != 0) {  // NamespaceContainers refuses at once, on the loop
    ASSERT_TRUE(run_until(io_, [&] { return events.size() == 2; }));
    EXPECT_EQ(events[0].kind, ContainerEvent::Kind::kFailedToStart);
    EXPECT_NE(events[0].reason.find("not root"), std::string::npos);
    return;
  }
  // web starts and exits; db fails to start. The order between the two is the kernel's.
  ASSERT_TRUE(run_until(io_, [&] { return events.size() == 3; }));
  std::vector<ContainerEvent::Kind> of_first;
  for (const ContainerEvent& event : events) {
    if (event.id == first) of_first.push_back(event.kind);
    if (event.id == second) {
      EXPECT_EQ(event.kind, ContainerEvent::Kind::kFailedToStart);
      EXPECT_NE(event.reason.find("exec /bin/no-such-program"), std::string::npos) << event.reason;
    }
  }
  EXPECT_EQ(of_first, (std::vector{ContainerEvent::Kind::kStarted, ContainerEvent::Kind::kExited}));
  EXPECT_EQ(*tail_log(container_log_dir(root_), "web", 10), std::vector<std::string>{"hello"});
  EXPECT_NE(log_.str().find("containers.spawned unit=web"), std::string::npos);
  // The default image runs with no registry.
  spec.name = "demo";
  spec.argv = {"busybox", "echo", "from the image"};
  spec.image = "busybox";
  const ContainerId demo = containers.start(spec);
  ASSERT_TRUE(run_until(io_, [&] { return events.size() == 5; }));
  EXPECT_EQ(events[3].id, demo);
  EXPECT_EQ(events[3].kind, ContainerEvent::Kind::kStarted) << events[3].reason;
  EXPECT_EQ(*tail_log(container_log_dir(root_), "demo", 10),
            std::vector<std::string>{"from the image"});
}

TEST_F(PosixEnvTest, BadConfigurationIsAnError) {
  PosixEnvConfig no_node = config(1, root_);
  no_node.peers = {{kNoNode, Endpoint{"127.0.0.1", 1}}};
  const auto bad_peer = PosixEnv::create(io_, no_node, log_);
  ASSERT_FALSE(bad_peer);
  EXPECT_EQ(bad_peer.error().code, Errc::kInvalidArgument);

  std::filesystem::create_directories(root_);
  const std::string file = root_ + "/a-file";
  ASSERT_TRUE(std::ofstream(file) << "x");
  const auto bad_dir = PosixEnv::create(io_, config(1, file + "/data"), log_);
  ASSERT_FALSE(bad_dir);
  EXPECT_EQ(bad_dir.error().code, Errc::kIo);
  EXPECT_NE(bad_dir.error().message.find(file), std::string::npos) << bad_dir.error().message;
}

}  // namespace
}  // namespace keel::real
