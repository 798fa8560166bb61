#include "core/raft/cluster.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace keel::raft::testing {

Bytes bytes(std::string_view t) { return Bytes(t.begin(), t.end()); }
std::string text(ByteView data) { return std::string(data.begin(), data.end()); }

Bytes encode_state(const std::vector<std::string>& applied) {
  std::string joined;
  for (const auto& command : applied) joined += command + "\n";
  return bytes(joined);
}

std::vector<std::string> decode_state(const Bytes& data) {
  std::vector<std::string> out;
  std::string current;
  for (auto c : data) {
    if (c == '\n') {
      out.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(c));
    }
  }
  return out;
}

Entry entry(Index index, Term term, std::string_view data) {
  return Entry{term, index, EntryType::kNormal, bytes(data)};
}

Message message(MessageType type, NodeId from, NodeId to, Term term) {
  Message m;
  m.type = type;
  m.cluster = kCluster;
  m.from = from;
  m.to = to;
  m.term = term;
  return m;
}

Raft member_one_of_three(HardState hard_state, std::vector<Entry> entries, Config config,
                         std::uint64_t seed) {
  config.id = 1;
  config.cluster = kCluster;
  Bootstrap b;
  b.hard_state = hard_state;
  b.entries = std::move(entries);
  b.initial_conf.voters = {1, 2, 3};
  return Raft(config, std::move(b), Random(seed));
}

Message append_from_two(Term term, Index prev, Term prev_term, std::vector<Entry> entries,
                        Index commit) {
  Message m = message(MessageType::kAppend, 2, 1, term);
  m.index = prev;
  m.log_term = prev_term;
  m.entries = std::move(entries);
  m.commit = commit;
  return m;
}

Cluster::Cluster(int voters, std::function<void(Config&)> tweak, std::uint64_t seed)
    : tweak_(std::move(tweak)), seed_(seed) {
  for (int i = 1; i <= voters; ++i) founders_.voters.push_back(static_cast<NodeId>(i));
  for (NodeId id : founders_.voters) add_machine(id);
}

void Cluster::add_machine(NodeId id) {
  Machine& m = machines_[id];
  m.initial_conf = founders_;
  m.config.id = id;
  m.config.cluster = kCluster;
  if (tweak_) tweak_(m.config);
  restart(id);
}

Raft& Cluster::raft(NodeId id) {
  Machine& m = machines_.at(id);
  EXPECT_NE(m.raft, nullptr) << "node " << id << " is down";
  return *m.raft;
}

std::vector<NodeId> Cluster::ids() const {
  std::vector<NodeId> out;
  for (const auto& [id, m] : machines_) out.push_back(id);
  return out;
}

void Cluster::crash(NodeId id) { machines_.at(id).raft.reset(); }

void Cluster::restart(NodeId id) {
  Machine& m = machines_.at(id);
  Bootstrap b;
  b.hard_state = m.hard_state;
  b.snapshot = m.snapshot;
  b.entries = m.entries;
  b.initial_conf = m.initial_conf;
  m.raft = std::make_unique<Raft>(m.config, std::move(b), Random(seed_ * 1000 + id));
  // The state machine is rebuilt from the snapshot; committed entries after it are re-applied.
  m.applied = m.snapshot ? decode_state(m.snapshot->data.flatten()) : std::vector<std::string>{};
  m.applied_index = m.snapshot ? m.snapshot->meta.index : 0;
}

void Cluster::handle_ready(NodeId id) {
  Machine& m = machines_.at(id);
  while (m.raft && m.raft->has_ready()) {
    Ready rd = m.raft->ready();
    if (rd.snapshot) {
      m.snapshot = rd.snapshot;
      std::erase_if(m.entries, [&](const Entry& e) { return e.index <= rd.snapshot->meta.index; });
    }
    if (!rd.entries.empty()) {
      const Index first = rd.entries.front().index;
      std::erase_if(m.entries, [&](const Entry& e) { return e.index >= first; });
      m.entries.insert(m.entries.end(), rd.entries.begin(), rd.entries.end());
    }
    if (rd.hard_state) m.hard_state = *rd.hard_state;
    for (const Message& msg : rd.messages) {
      if (!cut(msg)) queue_.push_back(msg);
    }
    if (rd.snapshot) {
      m.applied = decode_state(rd.snapshot->data.flatten());
      m.applied_index = rd.snapshot->meta.index;
    }
    for (const Entry& e : rd.committed) {
      EXPECT_EQ(e.index, m.applied_index + 1) << "node " << id << " applies out of order";
      m.applied_index = e.index;
      if (e.type == EntryType::kNormal && !e.data.empty()) m.applied.push_back(text(e.data));
    }
    m.read_states.insert(m.read_states.end(), rd.read_states.begin(), rd.read_states.end());
    m.raft->advance(rd);
    if (record_) m.readies.push_back(std::move(rd));
  }
}

bool Cluster::cut(const Message& m) const {
  if (cut_links_.contains({m.from, m.to})) return true;
  return drop_if && drop_if(m);
}

void Cluster::flush_readies() {
  for (auto& [id, m] : machines_) handle_ready(id);
}

std::size_t Cluster::deliver_once() {
  flush_readies();
  std::deque<Message> batch;
  batch.swap(queue_);
  std::size_t count = 0;
  for (const Message& msg : batch) count += deliver(msg);
  flush_readies();
  return count;
}

bool Cluster::deliver(const Message& msg) {
  auto it = machines_.find(msg.to);
  if (it == machines_.end() || !it->second.raft || cut(msg)) return false;
  delivered.push_back(msg);
  it->second.raft->step(msg);
  handle_ready(msg.to);
  return true;
}

std::size_t Cluster::settle(std::size_t max_messages) {
  std::size_t total = 0;
  flush_readies();
  while (!queue_.empty()) {
    total += deliver_once();
    if (total > max_messages) {
      ADD_FAILURE() << "cluster does not settle after " << max_messages << " messages";
      break;
    }
  }
  return total;
}

void Cluster::tick(NodeId id, int times) {
  for (int i = 0; i < times; ++i) {
    raft(id).tick();
    handle_ready(id);
  }
}

void Cluster::tick_all(int times) {
  for (int i = 0; i < times; ++i) {
    for (auto& [id, m] : machines_) {
      if (m.raft) m.raft->tick();
    }
    flush_readies();
  }
}

NodeId Cluster::campaign(NodeId id) {
  Raft& r = raft(id);
  const int limit = 2 * machines_.at(id).config.election_ticks + 1;
  // A candidate still waiting for answers campaigns again when its term goes up.
  const bool waiting = r.role() == Role::kCandidate;
  const Term start = r.term();
  auto started = [&] { return waiting ? r.term() > start : r.role() != Role::kFollower; };
  for (int i = 0; i < limit && !started(); ++i) r.tick();
  EXPECT_TRUE(started()) << "node " << id << " did not campaign";
  settle();
  return leader();
}

NodeId Cluster::leader() const {
  NodeId found = kNoNode;
  Term best = 0;
  for (const auto& [id, m] : machines_) {
    if (m.raft && m.raft->role() == Role::kLeader && m.raft->term() >= best) {
      best = m.raft->term();
      found = id;
    }
  }
  return found;
}

void Cluster::isolate(NodeId id) {
  std::set<NodeId> side{id};
  partition(side);
}

void Cluster::partition(std::set<NodeId> side) {
  for (const auto& [a, ma] : machines_) {
    for (const auto& [b, mb] : machines_) {
      if (side.contains(a) != side.contains(b)) cut_links_.insert({a, b});
    }
  }
}

void Cluster::heal() { cut_links_.clear(); }

Status Cluster::read_index_on(NodeId id, std::uint64_t context) {
  Status status = raft(id).read_index(context);
  handle_ready(id);
  return status;
}

void Cluster::compact(NodeId id) {
  Machine& m = machines_.at(id);
  Bytes data = encode_state(m.applied);
  auto meta = raft(id).compact(m.applied_index, ChunkedBytes(data));
  ASSERT_TRUE(meta) << meta.error().message;
  m.snapshot = Snapshot{*meta, ChunkedBytes(std::move(data))};
  std::erase_if(m.entries, [&](const Entry& e) { return e.index <= meta->index; });
}

}  // namespace keel::raft::testing
