// Store::snapshot and Store::restore. The encoding is canonical (every collection in a fixed
// order, shortest varints), so snapshot(restore(s)) == s byte for byte.
//
// Layout: magic, revision, compaction revision, applied index, leader clock, lease id counter;
// leases (id, ttl) ascending; keys ascending, each with its versions ascending; the log as
// (revision, key ordinal); sessions ascending by client with their cached replies. Lease key sets
// are not stored: they follow from the keys' live versions.
#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

#include "core/codec/reader.h"
#include "core/codec/writer.h"
#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/kv/kv_codec.h"
#include "core/kv/store.h"

namespace keel::kv {
namespace {

constexpr std::uint32_t kSnapshotMagic = 0x3153564b;  // "KVS1"
constexpr std::size_t kMaxVersionsPerKey = 1u << 24;
constexpr std::size_t kMaxLogChanges = 1u << 30;

// The ordinals (positions in key order) of the keys the log names, which the snapshot stores in
// place of the log's node pointers. Only those keys get an entry (the log names at most
// max_history_revisions of them), found during the one walk of the keys that encodes them: a
// map entry per key made the encoding of 1 M keys cost ~0.9 s (bench/snapshot_bench.cc).
class LogOrdinals {
 public:
  explicit LogOrdinals(const std::deque<KeyIndex::Change>& log) {
    named_.reserve(log.size());
    for (const KeyIndex::Change& change : log) named_.push_back(change.node);
    std::sort(named_.begin(), named_.end(), [](const KeyIndex::Node* a, const KeyIndex::Node* b) {
      return KeyLess{}(a->first, b->first);
    });
    named_.erase(std::unique(named_.begin(), named_.end()), named_.end());
    by_node_.reserve(named_.size());
  }

  // Called for every key in key order, `ordinal` counting from 0.
  void visit(const KeyIndex::Node& node, std::size_t ordinal) {
    if (next_ == named_.size() || named_[next_] != &node) return;
    by_node_.emplace_back(&node, ordinal);
    ++next_;
  }

  // After every key was visited: the ordinal of a key the log names.
  std::size_t of(const KeyIndex::Node* node) {
    if (!sorted_) {
      KEEL_ASSERT(next_ == named_.size(), "the log names ", named_.size() - next_,
                  " keys that the key index does not hold");
      // Sorted by address for lookups only: the output never depends on this order.
      std::sort(by_node_.begin(), by_node_.end(),
                [](const auto& a, const auto& b) { return std::less<>{}(a.first, b.first); });
      sorted_ = true;
    }
    const auto it = std::lower_bound(
        by_node_.begin(), by_node_.end(), node,
        [](const auto& entry, const KeyIndex::Node* n) { return std::less<>{}(entry.first, n); });
    KEEL_ASSERT(it != by_node_.end() && it->first == node, "a log change names an unknown key");
    return it->second;
  }

 private:
  std::vector<const KeyIndex::Node*> named_;  // in key order, each once
  std::size_t next_ = 0;                      // the next of named_ the key walk will meet
  std::vector<std::pair<const KeyIndex::Node*, std::size_t>> by_node_;
  bool sorted_ = false;
};

}  // namespace

Bytes Store::snapshot() const {
  Bytes out;
  codec::Writer w(out);
  w.u32(kSnapshotMagic);
  w.varint(static_cast<std::uint64_t>(revision_));
  w.varint(static_cast<std::uint64_t>(compact_revision_));
  w.varint(applied_index_);
  w.u64(static_cast<std::uint64_t>(clock_ms_));
  w.varint(leases_.id_counter());
  w.varint(leases_.size());
  for (const auto& [id, lease] : leases_.all()) {
    w.varint(static_cast<std::uint64_t>(id));
    w.varint(static_cast<std::uint64_t>(lease.ttl));
  }
  LogOrdinals ordinals(index_.log());
  std::size_t ordinal = 0;
  w.varint(index_.keys().size());
  for (const auto& node : index_.keys()) {
    ordinals.visit(node, ordinal++);
    w.bytes(node.first.view());
    const KeyIndex::Record& record = node.second;
    const std::size_t older = record.older ? record.older->size() : 0;
    w.varint(older + 1);
    const auto put_version = [&](const KeyIndex::Version& v) {
      w.varint(static_cast<std::uint64_t>(v.mod));
      w.varint(static_cast<std::uint64_t>(v.create));
      w.varint(static_cast<std::uint64_t>(v.version));
      w.varint(static_cast<std::uint64_t>(v.lease));
      w.bytes(v.value.view());
    };
    for (std::size_t i = 0; i < older; ++i) put_version((*record.older)[i]);
    put_version(record.latest);
  }
  w.varint(index_.log().size());
  for (const KeyIndex::Change& change : index_.log()) {
    w.varint(static_cast<std::uint64_t>(change.revision));
    w.varint(ordinals.of(change.node));
  }
  w.varint(sessions_.size());
  for (const auto& [client, session] : sessions_.all()) {
    w.varint(client);
    w.varint(session.last_seq);
    w.u64(static_cast<std::uint64_t>(session.last_active_ms));
    w.boolean(session.reply.has_value());
    if (session.reply) encode(w, *session.reply);
  }
  return out;
}

Status Store::restore(ByteView snapshot) {
  codec::Reader in(snapshot);
  const auto corrupt = [&](std::string_view field, std::string what) {
    in.fail(Errc::kCorrupt, field, what);
    return std::unexpected(in.error());
  };
  if (in.u32("snapshot.magic") != kSnapshotMagic && in.ok()) {
    return corrupt("snapshot.magic", "not a key-value store snapshot");
  }
  Store next(limits_);
  next.revision_ = static_cast<Revision>(in.varint("snapshot.revision"));
  next.compact_revision_ = static_cast<Revision>(in.varint("snapshot.compact_revision"));
  next.applied_index_ = in.varint("snapshot.applied_index");
  next.clock_ms_ = static_cast<std::int64_t>(in.u64("snapshot.clock_ms"));
  const std::uint64_t id_counter = in.varint("snapshot.lease_id_counter");
  if (in.ok() && (next.revision_ < 1 || next.compact_revision_ < 0 ||
                  next.compact_revision_ > next.revision_)) {
    return corrupt("snapshot.revision", str("revision ", next.revision_, " and compaction ",
                                            next.compact_revision_, " do not fit"));
  }

  std::map<LeaseId, LeaseStore::Lease> leases;
  const std::size_t lease_count = in.count("snapshot.leases", limits_.max_leases, 2);
  for (std::size_t i = 0; i < lease_count && in.ok(); ++i) {
    const auto id = static_cast<LeaseId>(in.varint("snapshot.lease.id"));
    const auto ttl = static_cast<std::int64_t>(in.varint("snapshot.lease.ttl"));
    if (in.ok() && (id <= 0 || (!leases.empty() && leases.rbegin()->first >= id) ||
                    ttl > kMaxLeaseTtlSeconds || ttl < 0)) {
      return corrupt("snapshot.lease", str("lease ", id, " with TTL ", ttl, " out of order"));
    }
    leases.emplace(id, LeaseStore::Lease{ttl, {}});
  }
  if (!in.ok()) return std::unexpected(in.error());
  next.leases_.restore(std::move(leases), id_counter);

  const std::size_t key_count = in.count("snapshot.keys", kMaxKeysCeiling, 2);
  Bytes last_key;
  for (std::size_t i = 0; i < key_count && in.ok(); ++i) {
    const ByteView key = in.bytes("snapshot.key", kMaxKeyBytes);
    if (in.ok() && (key.empty() || (i > 0 && compare_bytes(last_key, key) >= 0))) {
      return corrupt("snapshot.key", str("key ", i, " is empty or out of order"));
    }
    last_key.assign(key.begin(), key.end());
    const std::size_t version_count = in.count("snapshot.versions", kMaxVersionsPerKey, 5);
    if (in.ok() && version_count == 0)
      return corrupt("snapshot.versions", "a key without versions");
    std::vector<KeyIndex::Version> versions;
    versions.reserve(version_count);
    for (std::size_t v = 0; v < version_count && in.ok(); ++v) {
      KeyIndex::Version version;
      version.mod = static_cast<Revision>(in.varint("snapshot.version.mod"));
      version.create = static_cast<Revision>(in.varint("snapshot.version.create"));
      version.version = static_cast<std::int64_t>(in.varint("snapshot.version.version"));
      version.lease = static_cast<LeaseId>(in.varint("snapshot.version.lease"));
      version.value = ValueBytes(in.bytes("snapshot.version.value", kMaxValueBytes));
      const bool ordered = versions.empty() || versions.back().mod < version.mod;
      const bool fits = version.mod >= 1 && version.mod <= next.revision_ && version.create >= 0 &&
                        version.create <= version.mod && version.version >= 0 && version.lease >= 0;
      const bool tombstone_ok =
          !version.tombstone() ||
          (version.create == 0 && version.lease == 0 && version.value.size() == 0);
      if (in.ok() && (!ordered || !fits || !tombstone_ok)) {
        return corrupt("snapshot.version", str("version ", v, " of key ", i, " is inconsistent"));
      }
      versions.push_back(std::move(version));
    }
    if (!in.ok()) break;
    const KeyIndex::Version& latest = versions.back();
    if (!latest.tombstone() && latest.lease != 0) {
      if (!next.leases_.contains(latest.lease)) {
        return corrupt("snapshot.version.lease",
                       str("key ", i, " has unknown lease ", latest.lease));
      }
      next.leases_.reattach(key, 0, latest.lease);
    }
    next.index_.restore_key(key, std::move(versions));
  }

  const std::size_t change_count = in.count("snapshot.log", kMaxLogChanges, 2);
  for (std::size_t i = 0; i < change_count && in.ok(); ++i) {
    const auto revision = static_cast<Revision>(in.varint("snapshot.log.revision"));
    const std::size_t ordinal = in.varint("snapshot.log.key");
    if (in.ok() &&
        (revision < next.compact_revision_ || !next.index_.restore_change(revision, ordinal))) {
      return corrupt("snapshot.log", str("change ", i, " names no version of a key"));
    }
  }
  next.index_.end_restore();

  std::map<std::uint64_t, Sessions::Session> sessions;
  const std::size_t session_count = in.count("snapshot.sessions", limits_.max_sessions, 4);
  for (std::size_t i = 0; i < session_count && in.ok(); ++i) {
    const std::uint64_t client = in.varint("snapshot.session.client");
    Sessions::Session session;
    session.last_seq = in.varint("snapshot.session.last_seq");
    session.last_active_ms = static_cast<std::int64_t>(in.u64("snapshot.session.last_active_ms"));
    if (in.boolean("snapshot.session.has_reply")) read(in, session.reply.emplace());
    if (in.ok() && (client == 0 || (!sessions.empty() && sessions.rbegin()->first >= client))) {
      return corrupt("snapshot.session", str("session ", i, " is out of order"));
    }
    sessions.emplace(client, std::move(session));
  }
  if (Status done = in.finish("key-value store snapshot"); !done) return done;
  next.sessions_.restore(std::move(sessions));
  *this = std::move(next);
  return {};
}

}  // namespace keel::kv
