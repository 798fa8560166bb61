// A Jepsen-style test of real keeld processes: clients read (quorum GETs), write and
// compare-and-swap a few keys through the etcd v2 API while the leader is taken away three times:
// cut off from the others (support/proxy_mesh.h) and healed, killed with SIGKILL and restarted
// from its data directory, cut off again; the history they saw, with real invocation and
// completion times, must be linearizable, as the simulator's checker decides for simulated runs
// (sim/checkers/linearizability.h). Each client stays with one member, so the clients beside a
// cut-off member keep asking it: what it must not do is acknowledge a write or answer a quorum
// read from its own, stale store. Outcomes: a 2xx answer is definite; a failed compare (412, or
// 404 for a missing key) is a definite CAS that did not swap; a request that could not connect
// (the member is down) definitely did not take effect; anything else (a timeout, a 5xx, a
// connection closed after the request) is unknown and may have taken effect. Every wait is on a
// condition with a bound.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/env/str.h"
#include "real/support/keeld_cluster.h"
#include "real/support/proxy_mesh.h"
#include "sim/checkers/linearizability.h"

namespace keel::real::testing {
namespace {

using sim::KvHistory;
using sim::KvOp;
using std::chrono::seconds;

constexpr int kMembers = 3;
constexpr int kClients = 6;  // two beside each member
constexpr int kKeys = 3;
// A phase ends once kOpsEachPhase operations reached a member (any outcome) and each client
// completed kOpsEachClient: the clients beside a cut-off member wait out a timeout (3 s) per
// operation, and they are the ones whose reads would be stale.
constexpr int kOpsEachPhase = 300;
constexpr int kOpsEachClient = 2;
constexpr Duration kRefusedBackoff = std::chrono::milliseconds(20);
constexpr Duration kElectionBound = seconds(15);
constexpr Duration kPhaseBound = seconds(30);

Time now() { return Time(std::chrono::steady_clock::now().time_since_epoch()); }

// The value in an etcd v2 answer's node ("value":"..."; the workload's values have no quotes).
std::optional<std::string> node_value(const std::string& body) {
  constexpr std::string_view kField = "\"value\":\"";
  const auto start = body.find(kField);
  if (start == std::string::npos) return std::nullopt;
  const auto from = start + kField.size();
  const auto end = body.find('"', from);
  if (end == std::string::npos) return std::nullopt;
  return body.substr(from, end - from);
}

// One client: a loop of random operations through one member's client port, each recorded with
// its outcome.
class Client {
 public:
  Client(int id, std::uint16_t port) : id_(id), port_(port), random_(static_cast<unsigned>(id)) {}

  void run(const std::atomic<bool>& stopping) {
    for (int sequence = 0; !stopping; ++sequence) {
      KvOp op;
      op.client = id_;
      op.key = str("k", random_() % kKeys);
      const unsigned roll = random_() % 10;
      op.kind = roll < 4 ? KvOp::Kind::kGet : roll < 8 ? KvOp::Kind::kPut : KvOp::Kind::kCas;
      // A CAS expects the value this client last read of the key; before any, it reads instead.
      if (op.kind == KvOp::Kind::kCas && !last_read_.contains(op.key)) op.kind = KvOp::Kind::kGet;
      if (op.kind != KvOp::Kind::kGet) op.value = str("c", id_, "-", sequence);
      if (op.kind == KvOp::Kind::kCas) op.expected = last_read_[op.key];
      op.invoked = now();
      const bool reached = perform(op);
      op.completed = now();
      history_.push_back(std::move(op));
      ++completed_;
      if (reached) {
        ++reached_;
      } else {
        // A client's pause before trying a member that refused its connection again (etcd's
        // clients back off too): pacing, so that the clients of a member that is down do not
        // spin while it restarts; no test waits on it.
        std::this_thread::sleep_for(kRefusedBackoff);
      }
    }
  }

  int completed() const { return completed_; }
  // The operations whose request reached a member.
  int reached() const { return reached_; }
  const KvHistory& history() const { return history_; }

 private:
  // Performs `op` and sets its outcome; false if the member refused the connection (it is down),
  // so the request never left and did not take effect.
  bool perform(KvOp& op) {
    const std::string target = str("/v2/keys/lin/", op.key);
    if (op.kind == KvOp::Kind::kGet) {
      const auto answer = client_exchange(port_, "GET", target + "?quorum=true");
      if (!answer && answer.error().code == Errc::kUnavailable) {
        op.outcome = KvOp::Outcome::kFailed;
        return false;
      }
      if (answer && answer->status == 200) {
        op.outcome = KvOp::Outcome::kOk;
        op.read = node_value(answer->body);
        if (op.read) last_read_[op.key] = *op.read;
      } else if (answer && answer->status == 404) {
        op.outcome = KvOp::Outcome::kOk;  // the key is missing
      }
      return true;
    }
    std::string body = "value=" + op.value;
    if (op.kind == KvOp::Kind::kCas) body += "&prevValue=" + op.expected;
    const auto answer = client_exchange(port_, "PUT", target, body);
    if (!answer && answer.error().code == Errc::kUnavailable) {
      op.outcome = KvOp::Outcome::kFailed;
      return false;
    }
    if (!answer) return true;
    if (answer->status == 200 || answer->status == 201) {
      op.outcome = KvOp::Outcome::kOk;
      op.cas_succeeded = op.kind == KvOp::Kind::kCas;
    } else if (op.kind == KvOp::Kind::kCas && (answer->status == 412 || answer->status == 404)) {
      op.outcome = KvOp::Outcome::kOk;  // the compare failed: nothing was written
    }
    return true;
  }

  int id_;
  std::uint16_t port_;
  std::atomic<int> completed_ = 0;
  std::atomic<int> reached_ = 0;
  std::minstd_rand random_;
  std::map<std::string, std::string> last_read_;  // by key; a CAS expects what was last read
  KvHistory history_;
};

class Workload {
 public:
  explicit Workload(KeeldCluster& cluster) {
    for (int c = 0; c < kClients; ++c) {
      clients_.push_back(std::make_unique<Client>(c, cluster.client_port(c % kMembers + 1)));
    }
    for (auto& client : clients_) {
      threads_.emplace_back([this, raw = client.get()] { raw->run(stopping_); });
    }
  }
  ~Workload() { stop(); }

  // Waits (bounded) for a phase's operations to complete (see kOpsEachPhase).
  bool complete_phase() {
    std::vector<std::pair<int, int>> start;  // by client: (completed, reached)
    for (const auto& client : clients_) start.emplace_back(client->completed(), client->reached());
    return wait_for(
        [&] {
          int reached = 0;
          for (std::size_t c = 0; c < clients_.size(); ++c) {
            if (clients_[c]->completed() - start[c].first < kOpsEachClient) return false;
            reached += clients_[c]->reached() - start[c].second;
          }
          return reached >= kOpsEachPhase;
        },
        kPhaseBound);
  }

  // Stops the clients and returns their operations, numbered.
  KvHistory stop() {
    stopping_ = true;
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    KvHistory all;
    for (const auto& client : clients_) {
      all.insert(all.end(), client->history().begin(), client->history().end());
    }
    for (std::size_t i = 0; i < all.size(); ++i) all[i].id = i + 1;
    return all;
  }

 private:
  std::atomic<bool> stopping_ = false;
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<std::thread> threads_;
};

// How a round takes the leader away, and brings it back.
enum class Fault { kCutOff, kKilled };

TEST(LinearizableUnderPartitionsTest, ReadsWritesAndSwapsStayLinearizableWhenLeadersGo) {
  KeeldCluster cluster(kMembers);
  ProxyMesh mesh(cluster);
  for (int k = 1; k <= kMembers; ++k) cluster.start(k);
  ASSERT_NE(cluster.agreed_leader({1, 2, 3}, kElectionBound), 0u) << cluster.logs();

  Workload workload(cluster);
  ASSERT_TRUE(workload.complete_phase());
  int round = 0;
  for (const Fault fault : {Fault::kCutOff, Fault::kKilled, Fault::kCutOff}) {
    ++round;
    const int leader = static_cast<int>(cluster.agreed_leader({1, 2, 3}, kElectionBound));
    ASSERT_NE(leader, 0) << "round " << round << ": no leader all agree on\n" << cluster.logs();
    if (fault == Fault::kCutOff) {
      mesh.isolate(leader);
    } else {
      cluster.member(leader).signal(SIGKILL);
      ASSERT_EQ(cluster.member(leader).wait_exit(kElectionBound), 128 + SIGKILL);
    }
    std::vector<int> majority;
    for (int k = 1; k <= kMembers; ++k) {
      if (k != leader) majority.push_back(k);
    }
    EXPECT_NE(cluster.agreed_leader(majority, kElectionBound), 0u)
        << "round " << round << ": the majority elected no leader\n"
        << cluster.logs();
    EXPECT_TRUE(workload.complete_phase()) << "round " << round << ", the leader gone";
    if (fault == Fault::kCutOff) {
      mesh.heal();
    } else {
      cluster.start(leader);  // from its data directory
    }
    EXPECT_TRUE(workload.complete_phase()) << "round " << round << ", back";
  }
  const KvHistory history = workload.stop();

  std::size_t definite = 0;
  std::size_t refused = 0;  // the member was down
  for (const KvOp& op : history) {
    definite += op.outcome == KvOp::Outcome::kOk ? 1 : 0;
    refused += op.outcome == KvOp::Outcome::kFailed ? 1 : 0;
  }
  ::testing::Test::RecordProperty("operations", static_cast<int>(history.size()));
  ::testing::Test::RecordProperty("definite", static_cast<int>(definite));
  ::testing::Test::RecordProperty("refused", static_cast<int>(refused));
  EXPECT_GT(definite, (history.size() - refused) / 2)
      << "most operations that reached a member should get a definite answer";

  const auto result = sim::check_linearizable(history, sim::LinearizabilityOptions{});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->verdict, sim::LinearizabilityResult::Verdict::kOk) << sim::describe(*result);
  cluster.expect_one_leader_per_term();
}

}  // namespace
}  // namespace keel::real::testing
