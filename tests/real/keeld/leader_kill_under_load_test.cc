// Three keeld members on 127.0.0.1 under a write load from several concurrent HTTP clients (etcd
// v2 PUTs, real/http); the leader is killed with SIGKILL in the middle of it. What must hold is
// what etcd promises its v2 clients: a new leader within a bound, writes acknowledged again, and
// EVERY acknowledged write readable with its value by a quorum GET (an acknowledgement means the
// write was committed, Raft §3.6 Leader Completeness keeps it). The killed member then restarts
// from its data directory and catches up: its own store reaches the index of the others and
// serves every acknowledged write locally. Writes whose answer never came are ambiguous and are
// not checked. Every wait is on a condition with a bound.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/env/str.h"
#include "real/support/keeld_cluster.h"

namespace keel::real::testing {
namespace {

using std::chrono::seconds;

constexpr int kMembers = 3;
constexpr int kWriters = 6;
constexpr int kAcksBeforeKill = 200;
constexpr int kAcksAfterFailover = 200;
constexpr Duration kElectionBound = seconds(15);
constexpr Duration kFailoverBound = seconds(10);  // etcd's default election timeout is 1 s
constexpr Duration kLoadBound = seconds(30);
constexpr Duration kExitBound = seconds(10);

struct Write {
  std::string key;  // "/load/w<writer>-<sequence>"
  std::string value;
};

// Whether `port` answers a GET of `write.key` (a quorum read if `quorum`) with its value.
bool reads_back(std::uint16_t port, const Write& write, bool quorum) {
  const auto answer =
      client_exchange(port, "GET", str("/v2/keys", write.key, quorum ? "?quorum=true" : ""));
  return answer && answer->status == 200 &&
         answer->body.find(str("\"key\":\"", write.key, "\"")) != std::string::npos &&
         answer->body.find(str("\"value\":\"", write.value, "\"")) != std::string::npos;
}

// kWriters threads, each PUTting its own fresh keys in a loop through one member's client port,
// moving to the next member when an exchange fails; they keep every write that was acknowledged.
class WriteLoad {
 public:
  explicit WriteLoad(std::vector<std::uint16_t> ports) : ports_(std::move(ports)) {
    acked_.resize(kWriters);
    for (int w = 0; w < kWriters; ++w) threads_.emplace_back([this, w] { run(w); });
  }
  ~WriteLoad() { stop(); }

  int acknowledged() const { return count_.load(); }
  // Stops the writers and returns every acknowledged write.
  std::vector<Write> stop() {
    stopping_ = true;
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    std::vector<Write> all;
    for (const auto& writes : acked_) all.insert(all.end(), writes.begin(), writes.end());
    return all;
  }

 private:
  void run(int writer) {
    std::size_t member = static_cast<std::size_t>(writer) % ports_.size();
    for (int sequence = 0; !stopping_; ++sequence) {
      const Write write{str("/load/w", writer, "-", sequence), str("v", writer, "-", sequence)};
      const auto answer = client_exchange(ports_[member], "PUT", str("/v2/keys", write.key),
                                          str("value=", write.value));
      if (answer && (answer->status == 200 || answer->status == 201)) {
        acked_[writer].push_back(write);
        ++count_;
      } else {
        member = (member + 1) % ports_.size();
      }
    }
  }

  std::vector<std::uint16_t> ports_;
  std::vector<std::vector<Write>> acked_;  // by writer, each written by its thread only
  std::atomic<int> count_ = 0;
  std::atomic<bool> stopping_ = false;
  std::vector<std::thread> threads_;
};

// The X-Etcd-Index of a member's local (non-quorum) GET of `key`: its store's index.
std::uint64_t store_index(std::uint16_t port, const std::string& key) {
  const auto answer = client_exchange(port, "GET", str("/v2/keys", key));
  return answer && answer->etcd_index ? *answer->etcd_index : 0;
}

TEST(LeaderKillUnderLoadTest, EveryAcknowledgedWriteSurvivesAndTheKilledMemberCatchesUp) {
  KeeldCluster cluster(kMembers);
  std::vector<std::uint16_t> ports;
  for (int k = 1; k <= kMembers; ++k) {
    cluster.start(k);
    ports.push_back(cluster.client_port(k));
  }
  const int old_leader = static_cast<int>(cluster.agreed_leader({1, 2, 3}, kElectionBound));
  ASSERT_NE(old_leader, 0) << read_text(cluster.log(1));

  WriteLoad load(ports);
  ASSERT_TRUE(wait_for([&] { return load.acknowledged() >= kAcksBeforeKill; }, kLoadBound))
      << "only " << load.acknowledged() << " writes acknowledged\n"
      << read_text(cluster.log(old_leader));

  const int acked_at_kill = load.acknowledged();
  cluster.member(old_leader).signal(SIGKILL);
  const auto killed_at = std::chrono::steady_clock::now();
  ASSERT_EQ(cluster.member(old_leader).wait_exit(kExitBound), 128 + SIGKILL);
  std::vector<int> rest;
  for (int k = 1; k <= kMembers; ++k) {
    if (k != old_leader) rest.push_back(k);
  }
  const int new_leader = static_cast<int>(cluster.agreed_leader(rest, kFailoverBound));
  ASSERT_NE(new_leader, 0) << "no new leader within the bound\n" << read_text(cluster.log(rest[0]));
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, kFailoverBound);

  const int acked_at_failover = load.acknowledged();
  ASSERT_TRUE(wait_for(
      [&] { return load.acknowledged() >= acked_at_failover + kAcksAfterFailover; }, kLoadBound))
      << "writes are not acknowledged again after the failover\n"
      << read_text(cluster.log(new_leader));
  const std::vector<Write> acked = load.stop();
  ::testing::Test::RecordProperty("acknowledged_writes", static_cast<int>(acked.size()));
  ::testing::Test::RecordProperty("acknowledged_before_kill", acked_at_kill);

  std::vector<std::string> lost;
  for (const Write& write : acked) {
    if (!reads_back(cluster.client_port(rest[0]), write, /*quorum=*/true))
      lost.push_back(write.key);
  }
  EXPECT_TRUE(lost.empty()) << lost.size() << " of " << acked.size()
                            << " acknowledged writes are not readable, the first " << lost.front();

  // The killed member restarts from its WAL and the new leader brings its store up to date.
  cluster.start(old_leader);
  const std::string probe = acked.back().key;
  const std::uint64_t target = store_index(cluster.client_port(new_leader), probe);
  ASSERT_GT(target, 0u);
  ASSERT_TRUE(wait_for(
      [&] { return store_index(cluster.client_port(old_leader), probe) >= target; }, kLoadBound))
      << "the restarted member stays at index "
      << store_index(cluster.client_port(old_leader), probe) << " below " << target << "\n"
      << read_text(cluster.log(old_leader));
  EXPECT_TRUE(logged(cluster.log(old_leader), "keeld", "data_dir", {{"start", "restart"}}));
  std::size_t missing_locally = 0;
  for (const Write& write : acked) {
    missing_locally += reads_back(cluster.client_port(old_leader), write, /*quorum=*/false) ? 0 : 1;
  }
  EXPECT_EQ(missing_locally, 0u) << "acknowledged writes the restarted member's store lacks";
  cluster.expect_one_leader_per_term();
}

}  // namespace
}  // namespace keel::real::testing
