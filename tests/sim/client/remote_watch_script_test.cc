// RemoteStoreClient's watch streams against scripted members: the test plays two members by hand
// (what they receive is recorded, what they send is written here), so that each case the stream
// logic handles happens exactly when the test says: responses out of order and duplicated, a
// stream that ends inside a revision, a member's cancel, silence, a compaction.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/client/remote_store_client.h"
#include "core/codec/frame.h"
#include "sim/world.h"

namespace keel::client {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kCluster = 1;

// A member that records the client messages it receives and sends what the test tells it to.
struct ScriptedMember : sim::Program {
  explicit ScriptedMember(Env& e) : env(e) {
    env.transport.set_receive_handler([this](NodeId from, ByteView frame) {
      auto decoded = codec::decode_node_frame(frame);
      ASSERT_TRUE(decoded);
      auto message = node::decode_client(decoded->payload);
      ASSERT_TRUE(message);
      received.push_back({from, std::move(*message)});
    });
  }
  void send(NodeId to, const node::ClientMessage& message) {
    env.transport.send(to, codec::encode_node_frame(kCluster, node::encode_client(message)));
  }
  // The WatchOpen messages received, in order.
  std::vector<node::WatchOpen> opens() const {
    std::vector<node::WatchOpen> out;
    for (const auto& [from, message] : received) {
      if (const auto* open = std::get_if<node::WatchOpen>(&message)) out.push_back(*open);
    }
    return out;
  }

  Env& env;
  std::vector<std::pair<NodeId, node::ClientMessage>> received;
};

struct ClientProgram : sim::Program {
  ClientProgram(Env& env, std::vector<NodeId> members)
      : client(env, [members] { return members; }, kCluster, {.client_id = env.self}) {
    env.transport.set_receive_handler([this](NodeId from, ByteView frame) {
      auto decoded = codec::decode_node_frame(frame);
      if (decoded) client.on_frame(from, decoded->payload);
    });
  }
  RemoteStoreClient client;
};

kv::Event put_at(kv::Revision revision, std::string key) {
  kv::Event event;
  event.kv.key = kv::to_bytes(key);
  event.kv.value = kv::to_bytes("v");
  event.kv.mod_revision = revision;
  return event;
}

kv::WatchResponse events(std::vector<kv::Event> list) {
  kv::WatchResponse response;
  response.revision = list.back().kv.mod_revision;
  response.events = std::move(list);
  return response;
}

kv::WatchResponse opened(kv::Revision revision) {
  kv::WatchResponse response;
  response.revision = revision;
  return response;
}

struct RemoteWatchScriptTest : ::testing::Test {
  RemoteWatchScriptTest() {
    auto member = [](Env& env) { return std::make_unique<ScriptedMember>(env); };
    a = world.add_host("a", member);
    b = world.add_host("b", member);
    c = world.add_client("c", [this](Env& env) {
      return std::make_unique<ClientProgram>(env, std::vector<NodeId>{a, b});
    });
  }
  ScriptedMember& member(NodeId id) {
    return *static_cast<ScriptedMember*>(world.host(id).program());
  }
  RemoteStoreClient& client() {
    return static_cast<ClientProgram*>(world.host(c).program())->client;
  }
  // Starts a watch from revision 1 and returns the member it went to (with its stream number).
  std::pair<NodeId, std::uint64_t> start_watch() {
    handle = client().watch(kv::WatchRequest{kv::to_bytes("k"), kv::to_bytes("l"), 1, false},
                            [this](const kv::WatchResponse& r) { seen.push_back(r); });
    world.run_for(50ms);
    const NodeId first = client().watch_member(handle);
    EXPECT_NE(first, kNoNode);
    EXPECT_EQ(member(first).opens().size(), 1u);
    return {first, member(first).opens().back().stream};
  }
  NodeId other(NodeId id) const { return id == a ? b : a; }
  // The keys delivered, in order.
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& response : seen) {
      for (const auto& event : response.events) out.push_back(kv::to_string(event.kv.key));
    }
    return out;
  }

  sim::World world{5};
  NodeId a = kNoNode, b = kNoNode, c = kNoNode;
  WatchHandle handle = 0;
  std::vector<kv::WatchResponse> seen;
};

TEST_F(RemoteWatchScriptTest, PutsResponsesBackInOrderAndDropsCopies) {
  auto [first, stream] = start_watch();
  ScriptedMember& m = member(first);
  m.send(c, node::WatchData{stream, 2, events({put_at(3, "k2")})});
  m.send(c, node::WatchData{stream, 1, events({put_at(2, "k1")})});
  m.send(c, node::WatchData{stream, 2, events({put_at(3, "k2")})});
  world.run_for(50ms);
  EXPECT_TRUE(seen.empty());  // seq 0 is missing
  m.send(c, node::WatchData{stream, 0, opened(1)});
  m.send(c, node::WatchData{stream, 1, events({put_at(2, "k1")})});
  world.run_for(50ms);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_TRUE(seen[0].events.empty());
  EXPECT_EQ(keys(), (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(client().stats().streams, 1u);
}

TEST_F(RemoteWatchScriptTest, AStreamEndingInsideARevisionResumesThereAndSkipsWhatWasDelivered) {
  auto [first, stream] = start_watch();
  member(first).send(c, node::WatchData{stream, 0, opened(1)});
  // Revision 5 holds three events; the member sends two, then its next response is lost.
  member(first).send(c, node::WatchData{stream, 1, events({put_at(5, "k1"), put_at(5, "k2")})});
  member(first).send(c, node::WatchData{stream, 3, events({put_at(6, "k9")})});
  world.run_for(600ms);  // the gap outlasts gap_timeout: the watch moves
  EXPECT_EQ(client().stats().resumed_after_gap, 1u);
  const NodeId second = other(first);
  ASSERT_EQ(member(second).opens().size(), 1u);
  const node::WatchOpen resumed = member(second).opens().back();
  EXPECT_EQ(resumed.request.start_revision, 5);  // inside revision 5, not after it
  member(second).send(c, node::WatchData{resumed.stream, 0, opened(6)});
  member(second).send(c, node::WatchData{resumed.stream, 1,
                                         events({put_at(5, "k1"), put_at(5, "k2"), put_at(5, "k3"),
                                                 put_at(6, "k9")})});
  world.run_for(50ms);
  EXPECT_EQ(keys(), (std::vector<std::string>{"k1", "k2", "k3", "k9"}));
  EXPECT_EQ(seen.size(), 3u);  // open, the first part of 5, the rest: no second "open"
}

TEST_F(RemoteWatchScriptTest, AMembersCancelMovesTheWatchAfterThePause) {
  auto [first, stream] = start_watch();
  member(first).send(c, node::WatchData{stream, 0, opened(1)});
  member(first).send(c, node::WatchData{stream, 1, events({put_at(2, "k1")})});
  kv::WatchResponse canceled;
  canceled.canceled = true;
  canceled.cancel_reason = "this member has no leader";
  member(first).send(c, node::WatchData{stream, 2, canceled});
  world.run_for(50ms);
  EXPECT_EQ(client().watch_member(handle), kNoNode);  // pausing
  world.run_for(100ms);
  const NodeId second = other(first);
  ASSERT_EQ(member(second).opens().size(), 1u);
  EXPECT_EQ(member(second).opens().back().request.start_revision, 2);
  EXPECT_EQ(client().stats().resumed_after_cancel, 1u);
  for (const auto& response : seen) EXPECT_FALSE(response.canceled);  // not passed on
}

TEST_F(RemoteWatchScriptTest, ASilentMemberIsRenewedThenLeft) {
  auto [first, stream] = start_watch();
  member(first).send(c, node::WatchData{stream, 0, opened(1)});
  world.run_for(1500ms);
  bool renewed = false;
  for (const auto& [from, message] : member(first).received) {
    renewed = renewed || std::holds_alternative<node::WatchRenew>(message);
  }
  EXPECT_TRUE(renewed);
  world.run_for(3s);  // nothing heard for silence_timeout
  EXPECT_EQ(client().stats().resumed_after_silence, 1u);
  EXPECT_EQ(member(other(first)).opens().size(), 1u);
  EXPECT_EQ(member(other(first)).opens().back().request.start_revision, 1);
}

TEST_F(RemoteWatchScriptTest, ACompactionCancelEndsTheWatchAndIsPassedOn) {
  auto [first, stream] = start_watch();
  kv::WatchResponse compacted;
  compacted.canceled = true;
  compacted.compact_revision = 9;
  compacted.cancel_reason = "required revision 1 has been compacted (compaction revision 9)";
  member(first).send(c, node::WatchData{stream, 0, compacted});
  world.run_for(5s);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0].canceled);
  EXPECT_EQ(seen[0].compact_revision, 9);
  EXPECT_EQ(member(other(first)).opens().size(), 0u);
  EXPECT_EQ(client().watch_member(handle), kNoNode);
}

TEST_F(RemoteWatchScriptTest, IgnoresFramesFromAnotherMemberOrAnOldStream) {
  auto [first, stream] = start_watch();
  member(other(first)).send(c, node::WatchData{stream, 0, opened(1)});
  member(first).send(c, node::WatchData{stream + 100, 0, opened(1)});
  world.run_for(50ms);
  EXPECT_TRUE(seen.empty());
}

}  // namespace
}  // namespace keel::client
