#include "core/codec/raft_codec.h"

#include "core/codec/limits.h"
#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::codec {
namespace {

constexpr int kEntryTypeCount = 2;
constexpr int kConfChangeTypeCount = 3;

void write_nodes(Writer& out, const std::vector<NodeId>& nodes) {
  out.varint(nodes.size());
  for (NodeId node : nodes) out.varint(node);
}

// Inline: every message carries a configuration (most often empty, when it has no snapshot).
inline void read_nodes(Reader& in, std::string_view field, std::vector<NodeId>& nodes) {
  const std::size_t n = in.count(field, kMaxConfNodes);
  if (n == 0) return nodes.clear();
  // count() bounds n by the bytes left, so resizing is safe; after a failure each read is 0.
  nodes.resize(n);
  for (NodeId& node : nodes) node = in.varint(field);
}

// An entry's fields; its data as a view into the input.
inline ByteView read_fields(Reader& in, raft::Entry& entry) {
  entry.term = in.varint("Entry.term");
  entry.index = in.varint("Entry.index");
  entry.type = read_enum<raft::EntryType>(in, "Entry.type", kEntryTypeCount);
  return in.bytes("Entry.data", kMaxEntryDataBytes);
}

// A message's entries, read in one pass over one shared copy of the rest of the input (the entries
// and the few fields after them): each entry's data is a slice of that copy, one allocation per
// message rather than one per entry (entries with data are most of what the network carries).
void read_entries(Reader& in, std::vector<raft::Entry>& entries) {
  // An encoded entry takes at least 4 bytes: term, index, type and an empty data length.
  const std::size_t n = in.count("Message.entries", kMaxEntriesPerMessage, 4);
  // Entries already there are overwritten rather than destroyed and built again.
  entries.resize(n);
  if (n == 0) return;
  const SharedBytes copy(in.rest());
  Reader from_copy(copy.view());
  for (raft::Entry& entry : entries) {
    entry.data = copy.slice(read_fields(from_copy, entry));
    if (!from_copy.ok()) break;
  }
  if (from_copy.ok()) return in.skip(from_copy.offset());
  // Malformed: the entries are read again from the input itself, so that the failure names its
  // offset there and the entry it is in.
  for (std::size_t i = 0; i < n && in.ok(); ++i) {
    read_fields(in, entries[i]);
    if (!in.ok()) in.add_context(str("Message.entries[", i, "]"));
  }
  KEEL_ASSERT(!in.ok(), "entries that failed to read from a copy read from the original");
}

}  // namespace

void encode(Writer& out, const raft::Entry& entry) {
  KEEL_ASSERT(entry.data.size() <= kMaxEntryDataBytes, "entry ", entry.index, " has ",
              entry.data.size(), " bytes of data, over kMaxEntryDataBytes");
  out.varint(entry.term);
  out.varint(entry.index);
  out.u8(static_cast<std::uint8_t>(entry.type));
  out.bytes(entry.data);
}

void read(Reader& in, raft::Entry& entry) { entry.data = SharedBytes(read_fields(in, entry)); }

void encode(Writer& out, const raft::HardState& state) {
  out.varint(state.term);
  out.varint(state.vote);
  out.varint(state.commit);
}

void read(Reader& in, raft::HardState& state) {
  state.term = in.varint("HardState.term");
  state.vote = in.varint("HardState.vote");
  state.commit = in.varint("HardState.commit");
}

void encode(Writer& out, const raft::ConfState& conf) {
  KEEL_ASSERT(conf.voters.size() <= kMaxConfNodes && conf.learners.size() <= kMaxConfNodes,
              "configuration of ", conf.voters.size(), " voters and ", conf.learners.size(),
              " learners is over kMaxConfNodes");
  write_nodes(out, conf.voters);
  write_nodes(out, conf.learners);
}

void read(Reader& in, raft::ConfState& conf) {
  read_nodes(in, "ConfState.voters", conf.voters);
  read_nodes(in, "ConfState.learners", conf.learners);
}

void encode(Writer& out, const raft::ConfChange& change) {
  out.u8(static_cast<std::uint8_t>(change.type));
  out.varint(change.node);
}

void read(Reader& in, raft::ConfChange& change) {
  change.type = read_enum<raft::ConfChangeType>(in, "ConfChange.type", kConfChangeTypeCount);
  change.node = in.varint("ConfChange.node");
}

void encode(Writer& out, const raft::SnapshotMeta& meta) {
  out.varint(meta.index);
  out.varint(meta.term);
  encode(out, meta.conf);
}

void read(Reader& in, raft::SnapshotMeta& meta) {
  meta.index = in.varint("SnapshotMeta.index");
  meta.term = in.varint("SnapshotMeta.term");
  read(in, meta.conf);
}

std::size_t encoded_size_bound(std::span<const raft::Entry> entries) {
  // Every varint counted at its longest; byte strings as their length prefix and bytes.
  constexpr std::size_t kEntryOverhead = 3 * kMaxVarintBytes + 1;
  std::size_t bound = kMaxVarintBytes;  // the count
  for (const raft::Entry& entry : entries) bound += kEntryOverhead + entry.data.size();
  return bound;
}

std::size_t encoded_size_bound_outside_entries(const raft::Message& message) {
  // Every varint counted at its longest; byte strings as their length prefix and bytes.
  constexpr std::size_t kFixedFields = 1 + 6 * kMaxVarintBytes;  // type .. index
  constexpr std::size_t kTailFields = 6 * kMaxVarintBytes + 2;   // commit .. done, but snapshot
  const raft::ConfState& conf = message.snapshot.conf;
  const std::size_t snapshot = (4 + conf.voters.size() + conf.learners.size()) * kMaxVarintBytes;
  return kFixedFields + kTailFields + snapshot + message.chunk.size();
}

std::size_t encoded_size_bound(const raft::Message& message) {
  return encoded_size_bound_outside_entries(message) + encoded_size_bound(message.entries);
}

// Every field, in declaration order (encode_head, encode_entries, encode_tail). When raft::Message
// gains a field, add it there and in read() below (CodecMessage.CoversEveryField fails as a
// reminder).
void encode(Writer& out, const raft::Message& message) {
  encode_head(out, message);
  encode_entries(out, message.entries);
  encode_tail(out, message);
}

void encode_head(Writer& out, const raft::Message& message) {
  KEEL_ASSERT(message.chunk.size() <= kMaxSnapshotChunkBytes, "snapshot chunk of ",
              message.chunk.size(), " bytes is over kMaxSnapshotChunkBytes");
  out.u8(static_cast<std::uint8_t>(message.type));
  out.varint(message.cluster);
  out.varint(message.from);
  out.varint(message.to);
  out.varint(message.term);
  out.varint(message.log_term);
  out.varint(message.index);
}

void encode_entries(Writer& out, std::span<const raft::Entry> entries) {
  KEEL_ASSERT(entries.size() <= kMaxEntriesPerMessage, "a message carries ", entries.size(),
              " entries, over kMaxEntriesPerMessage");
  out.varint(entries.size());
  for (const raft::Entry& entry : entries) encode(out, entry);
}

void encode_tail(Writer& out, const raft::Message& message) {
  out.varint(message.commit);
  out.boolean(message.reject);
  out.varint(message.reject_hint);
  out.varint(message.hint_term);
  out.varint(message.context);
  encode(out, message.snapshot);
  out.varint(message.offset);
  out.bytes(message.chunk);
  out.boolean(message.done);
}

void read(Reader& in, raft::Message& message) {
  message.type = read_enum<raft::MessageType>(in, "Message.type", raft::kMessageTypeCount);
  message.cluster = in.varint("Message.cluster");
  message.from = in.varint("Message.from");
  message.to = in.varint("Message.to");
  message.term = in.varint("Message.term");
  message.log_term = in.varint("Message.log_term");
  message.index = in.varint("Message.index");
  read_entries(in, message.entries);
  message.commit = in.varint("Message.commit");
  message.reject = in.boolean("Message.reject");
  message.reject_hint = in.varint("Message.reject_hint");
  message.hint_term = in.varint("Message.hint_term");
  message.context = in.varint("Message.context");
  if (in.ok()) {
    read(in, message.snapshot);
    if (!in.ok()) in.add_context("Message.snapshot");
  }
  message.offset = in.varint("Message.offset");
  const ByteView chunk = in.bytes("Message.chunk", kMaxSnapshotChunkBytes);
  message.chunk.assign(chunk.begin(), chunk.end());
  message.done = in.boolean("Message.done");
}

}  // namespace keel::codec
