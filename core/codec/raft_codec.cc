#include "core/codec/raft_codec.h"

#include <cstring>

#include "core/codec/limits.h"
#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::codec {
namespace {

constexpr int kEntryTypeCount = 2;
constexpr int kConfChangeTypeCount = 3;

// Size bounds as BoundedWriter counts them: every varint at its longest, byte strings as a length
// prefix and their bytes.
constexpr std::size_t kEntryBound = 3 * kMaxVarintBytes + 1;  // and its data
constexpr std::size_t kHeadBound = 1 + 6 * kMaxVarintBytes;   // type .. index
constexpr std::size_t kTailBound = 6 * kMaxVarintBytes + 2;   // commit .. done, but snapshot, chunk

std::size_t bound(const raft::Entry& entry) { return kEntryBound + entry.data.size(); }
std::size_t bound(const raft::HardState&) { return kHardStateBound; }
std::size_t bound(const raft::ConfState& conf) {
  return (2 + conf.voters.size() + conf.learners.size()) * kMaxVarintBytes;
}
std::size_t bound(const raft::ConfChange&) { return 1 + kMaxVarintBytes; }
std::size_t bound(const raft::SnapshotMeta& meta) { return 2 * kMaxVarintBytes + bound(meta.conf); }
std::size_t bound(const raft::Message& message) { return encoded_size_bound(message); }

constexpr std::size_t kEmptySnapshotMetaBytes = 4;
constexpr std::uint8_t kEmptySnapshotMeta[kEmptySnapshotMetaBytes] = {};

// The four bytes at the start of `bytes`, which must hold them, as one word (for a test against 0,
// so their order does not matter).
std::uint32_t load_u32(ByteView bytes) {
  std::uint32_t word;
  std::memcpy(&word, bytes.data(), sizeof word);
  return word;
}

// The put_* forms of the encoders (see bounded_writer.h): no checks, each writes at most its
// value's bound.
std::uint8_t* put_nodes(std::uint8_t* at, const std::vector<NodeId>& nodes) {
  at = put_varint(at, nodes.size());
  for (NodeId node : nodes) at = put_varint(at, node);
  return at;
}

std::uint8_t* put_conf(std::uint8_t* at, const raft::ConfState& conf) {
  KEEL_ASSERT(conf.voters.size() <= kMaxConfNodes && conf.learners.size() <= kMaxConfNodes,
              "configuration of ", conf.voters.size(), " voters and ", conf.learners.size(),
              " learners is over kMaxConfNodes");
  return put_nodes(put_nodes(at, conf.voters), conf.learners);
}

std::uint8_t* put_snapshot_meta(std::uint8_t* at, const raft::SnapshotMeta& meta) {
  at = put_varint(at, meta.index);
  at = put_varint(at, meta.term);
  return put_conf(at, meta.conf);
}

// Always inline: the WAL and the frames encode an entry per call.
[[gnu::always_inline]] inline std::uint8_t* put_entry(std::uint8_t* at, const raft::Entry& entry) {
  KEEL_ASSERT(entry.data.size() <= kMaxEntryDataBytes, "entry ", entry.index, " has ",
              entry.data.size(), " bytes of data, over kMaxEntryDataBytes");
  at = put_varint(at, entry.term);
  at = put_varint(at, entry.index);
  at = put_u8(at, static_cast<std::uint8_t>(entry.type));
  return put_bytes(at, entry.data);
}

// A Writer encoder: the BoundedWriter one, in room of the value's bound.
template <class T>
void encode_bounded(Writer& out, const T& value) {
  out.bounded(bound(value), [&](BoundedWriter& room) { encode(room, value); });
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

// Most messages carry no snapshot, whose meta is four zero bytes (index 0, term 0 and two empty
// configurations, each a one-byte varint; no other meta starts so): encode_tail() writes it and
// read(Message) reads it at once, inline.
bool is_empty(const raft::SnapshotMeta& meta) {
  return meta.index == 0 && meta.term == 0 && meta.conf.voters.empty() &&
         meta.conf.learners.empty();
}

// Makes `meta` the empty one (keeping its vectors' capacity).
void clear_to_empty(raft::SnapshotMeta& meta) {
  meta.index = 0;
  meta.term = 0;
  meta.conf.voters.clear();
  meta.conf.learners.clear();
}

// Reads an empty meta if that is what comes next (and no read failed); else reads nothing and
// returns false.
inline bool read_empty_snapshot_meta(Reader& in, raft::SnapshotMeta& meta) {
  const ByteView rest = in.rest();
  if (!in.ok() || rest.size() < kEmptySnapshotMetaBytes || load_u32(rest) != 0) return false;
  clear_to_empty(meta);
  in.skip(kEmptySnapshotMetaBytes);
  return true;
}

// One entry from [at, end), a part of `shared`, when its varints take at most three bytes each
// (read_short_varint: a term and index below 2^21 and data shorter than 2 MiB, as most entries)
// and it is well formed: its fields into `entry`, its data a slice of `shared`, `at` moved past it.
// Otherwise false, with `at` and `entry` unchanged. The fast path of read_entries(). Its fields
// before the data take at most kShortEntryFieldsBytes; one check covers them all (in a whole
// message, at least the dozen bytes of its tail follow any entry).
inline bool read_short_entry(const std::uint8_t*& at, const std::uint8_t* end,
                             const SharedBytes& shared, raft::Entry& entry) {
  constexpr std::size_t kShortEntryFieldsBytes = 3 * kMaxShortVarintBytes + 1;
  if (static_cast<std::size_t>(end - at) < kShortEntryFieldsBytes) return false;
  const std::uint8_t* next = at;
  std::uint64_t term;
  std::uint64_t index;
  std::uint64_t length;
  if (!read_short_varint_unchecked(next, term) || !read_short_varint_unchecked(next, index) ||
      *next >= kEntryTypeCount) {
    return false;
  }
  const auto type = static_cast<raft::EntryType>(*next++);
  if (!read_short_varint_unchecked(next, length) || length > kMaxEntryDataBytes ||
      length > static_cast<std::size_t>(end - next)) {
    return false;
  }
  entry.term = term;
  entry.index = index;
  entry.type = type;
  entry.data = shared.slice(ByteView(next, static_cast<std::size_t>(length)));
  at = next + length;
  return true;
}

// A message's entries: each entry's data is a slice of the rest of the input (the entries and the
// few fields after them), shared from `input_owner` if it is not null (it must hold the Reader's
// input: no copy), else from one copy of that rest, one allocation per message rather than one
// per entry (entries with data are most of what the network carries).
void read_entries(Reader& in, std::vector<raft::Entry>& entries, const SharedBytes* input_owner) {
  // An encoded entry takes at least 4 bytes: term, index, type and an empty data length.
  const std::size_t n = in.count("Message.entries", kMaxEntriesPerMessage, 4);
  // Entries already there are overwritten rather than destroyed and built again.
  entries.resize(n);
  if (n == 0) return;
  const ByteView input = in.rest();
  const SharedBytes shared =
      input_owner != nullptr ? input_owner->slice(input) : SharedBytes(input);
  const std::uint8_t* const begin = shared.data();
  const std::uint8_t* const end = shared.end();
  const std::uint8_t* at = begin;
  raft::Entry* const first = entries.data();
  std::size_t i = 0;
  while (i < n && read_short_entry(at, end, shared, first[i])) ++i;
  in.skip(static_cast<std::size_t>(at - begin));
  // The entries the fast path does not take, read by the Reader from the input itself, so that a
  // failure names its offset there and the entry it is in; their data, sliced from `shared`.
  for (; i < n; ++i) {
    const ByteView data = read_fields(in, entries[i]);
    if (!in.ok()) return in.add_context(str("Message.entries[", i, "]"));
    entries[i].data = shared.slice(
        shared.view().subspan(static_cast<std::size_t>(data.data() - input.data()), data.size()));
  }
}

// A message's fields before its entries (type .. index), by the Reader.
void read_head(Reader& in, raft::Message& message) {
  message.type = read_enum<raft::MessageType>(in, "Message.type", raft::kMessageTypeCount);
  message.cluster = in.varint("Message.cluster");
  message.from = in.varint("Message.from");
  message.to = in.varint("Message.to");
  message.term = in.varint("Message.term");
  message.log_term = in.varint("Message.log_term");
  message.index = in.varint("Message.index");
}

// A message's fields after its entries (commit .. done), by the Reader.
void read_tail(Reader& in, raft::Message& message) {
  message.commit = in.varint("Message.commit");
  message.reject = in.boolean("Message.reject");
  message.reject_hint = in.varint("Message.reject_hint");
  message.hint_term = in.varint("Message.hint_term");
  message.context = in.varint("Message.context");
  if (in.ok() && !read_empty_snapshot_meta(in, message.snapshot)) {
    read(in, message.snapshot);
    if (!in.ok()) in.add_context("Message.snapshot");
  }
  message.offset = in.varint("Message.offset");
  const ByteView chunk = in.bytes("Message.chunk", kMaxSnapshotChunkBytes);
  message.chunk.assign(chunk.begin(), chunk.end());
  message.done = in.boolean("Message.done");
}

// The fast paths of read(Message), as read_short_entry() is read_entries()': from raw pointers
// into the input, for the common case where every varint is short (read_short_varint) and the
// snapshot meta empty, which read_head() and read_tail() would read to the same values. Each reads
// its fields and moves the Reader past them, or returns false with the Reader unmoved (some of the
// fields may be written; the Reader's read writes them all again), which it does once a read
// failed too. No failure is recorded here: the Reader's read names it.

// The head takes at most kShortHeadBytes bytes with short varints; one check covers them all.
inline bool read_short_head(Reader& in, raft::Message& message) {
  constexpr std::size_t kShortHeadBytes = 1 + 6 * kMaxShortVarintBytes;
  const ByteView input = in.rest();
  if (!in.ok() || input.size() < kShortHeadBytes || input[0] >= raft::kMessageTypeCount) {
    return false;
  }
  const std::uint8_t* at = input.data() + 1;
  if (!read_short_varint_unchecked(at, message.cluster) ||
      !read_short_varint_unchecked(at, message.from) ||
      !read_short_varint_unchecked(at, message.to) ||
      !read_short_varint_unchecked(at, message.term) ||
      !read_short_varint_unchecked(at, message.log_term) ||
      !read_short_varint_unchecked(at, message.index)) {
    return false;
  }
  message.type = static_cast<raft::MessageType>(input[0]);
  in.skip(static_cast<std::size_t>(at - input.data()));
  return true;
}

// The tail often ends the input after a dozen bytes, so each field checks its own bytes.
inline bool read_short_tail(Reader& in, raft::Message& message) {
  const ByteView input = in.rest();
  if (!in.ok()) return false;
  const std::uint8_t* at = input.data();
  const std::uint8_t* const end = at + input.size();
  std::uint64_t chunk_length;
  if (!read_short_varint(at, end, message.commit) || !read_short_boolean(at, end, message.reject) ||
      !read_short_varint(at, end, message.reject_hint) ||
      !read_short_varint(at, end, message.hint_term) ||
      !read_short_varint(at, end, message.context) ||
      static_cast<std::size_t>(end - at) < kEmptySnapshotMetaBytes ||
      load_u32(ByteView(at, kEmptySnapshotMetaBytes)) != 0) {
    return false;
  }
  at += kEmptySnapshotMetaBytes;
  if (!read_short_varint(at, end, message.offset) || !read_short_varint(at, end, chunk_length) ||
      chunk_length > kMaxSnapshotChunkBytes || chunk_length > static_cast<std::size_t>(end - at)) {
    return false;
  }
  const std::uint8_t* const chunk = at;
  at += chunk_length;
  if (!read_short_boolean(at, end, message.done)) return false;
  message.chunk.assign(chunk, chunk + chunk_length);
  clear_to_empty(message.snapshot);
  in.skip(static_cast<std::size_t>(at - input.data()));
  return true;
}

}  // namespace

void encode(Writer& out, const raft::Entry& entry) { encode_bounded(out, entry); }
void encode(Writer& out, const raft::HardState& state) { encode_bounded(out, state); }
void encode(Writer& out, const raft::ConfState& conf) { encode_bounded(out, conf); }
void encode(Writer& out, const raft::ConfChange& change) { encode_bounded(out, change); }
void encode(Writer& out, const raft::SnapshotMeta& meta) { encode_bounded(out, meta); }
void encode(Writer& out, const raft::Message& message) { encode_bounded(out, message); }

void encode(BoundedWriter& out, const raft::Entry& entry) {
  out.put(bound(entry), [&](std::uint8_t* at) { return put_entry(at, entry); });
}

void read(Reader& in, raft::Entry& entry) { entry.data = SharedBytes(read_fields(in, entry)); }

void encode(BoundedWriter& out, const raft::HardState& state) {
  out.put(bound(state), [&](std::uint8_t* at) {
    at = put_varint(at, state.term);
    at = put_varint(at, state.vote);
    return put_varint(at, state.commit);
  });
}

void read(Reader& in, raft::HardState& state) {
  state.term = in.varint("HardState.term");
  state.vote = in.varint("HardState.vote");
  state.commit = in.varint("HardState.commit");
}

void encode(BoundedWriter& out, const raft::ConfState& conf) {
  out.put(bound(conf), [&](std::uint8_t* at) { return put_conf(at, conf); });
}

void read(Reader& in, raft::ConfState& conf) {
  read_nodes(in, "ConfState.voters", conf.voters);
  read_nodes(in, "ConfState.learners", conf.learners);
}

void encode(BoundedWriter& out, const raft::ConfChange& change) {
  out.put(bound(change), [&](std::uint8_t* at) {
    return put_varint(put_u8(at, static_cast<std::uint8_t>(change.type)), change.node);
  });
}

void read(Reader& in, raft::ConfChange& change) {
  change.type = read_enum<raft::ConfChangeType>(in, "ConfChange.type", kConfChangeTypeCount);
  change.node = in.varint("ConfChange.node");
}

void encode(BoundedWriter& out, const raft::SnapshotMeta& meta) {
  out.put(bound(meta), [&](std::uint8_t* at) { return put_snapshot_meta(at, meta); });
}

void read(Reader& in, raft::SnapshotMeta& meta) {
  if (read_empty_snapshot_meta(in, meta)) return;
  meta.index = in.varint("SnapshotMeta.index");
  meta.term = in.varint("SnapshotMeta.term");
  read(in, meta.conf);
}

std::size_t encoded_size_bound(std::span<const raft::Entry> entries) {
  std::size_t total = kMaxVarintBytes;  // the count
  for (const raft::Entry& entry : entries) total += bound(entry);
  return total;
}

std::size_t encoded_size_bound_outside_entries(const raft::Message& message) {
  return kHeadBound + kTailBound + bound(message.snapshot) + message.chunk.size();
}

std::size_t encoded_size_bound(const raft::Message& message) {
  return encoded_size_bound_outside_entries(message) + encoded_size_bound(message.entries);
}

// Every field, in declaration order (encode_head, encode_entries, encode_tail). When raft::Message
// gains a field, add it there and where it is read: read_head or read_tail, and their fast paths
// read_short_head or read_short_tail (CodecMessage.CoversEveryField fails as a reminder).
void encode(BoundedWriter& out, const raft::Message& message) {
  encode_head(out, message);
  encode_entries(out, message.entries, encoded_size_bound(message.entries));
  encode_tail(out, message);
}

void encode_head(BoundedWriter& out, const raft::Message& message) {
  KEEL_ASSERT(message.chunk.size() <= kMaxSnapshotChunkBytes, "snapshot chunk of ",
              message.chunk.size(), " bytes is over kMaxSnapshotChunkBytes");
  out.put(kHeadBound, [&](std::uint8_t* at) {
    at = put_u8(at, static_cast<std::uint8_t>(message.type));
    at = put_varint(at, message.cluster);
    at = put_varint(at, message.from);
    at = put_varint(at, message.to);
    at = put_varint(at, message.term);
    at = put_varint(at, message.log_term);
    return put_varint(at, message.index);
  });
}

void encode_entries(BoundedWriter& out, std::span<const raft::Entry> entries,
                    std::size_t entries_bound) {
  KEEL_ASSERT(entries.size() <= kMaxEntriesPerMessage, "a message carries ", entries.size(),
              " entries, over kMaxEntriesPerMessage");
  out.put(entries_bound, [&](std::uint8_t* at) {
    at = put_varint(at, entries.size());
    for (const raft::Entry& entry : entries) at = put_entry(at, entry);
    return at;
  });
}

void encode_tail(BoundedWriter& out, const raft::Message& message) {
  const std::size_t tail_bound = kTailBound + bound(message.snapshot) + message.chunk.size();
  out.put(tail_bound, [&](std::uint8_t* at) {
    at = put_varint(at, message.commit);
    at = put_boolean(at, message.reject);
    at = put_varint(at, message.reject_hint);
    at = put_varint(at, message.hint_term);
    at = put_varint(at, message.context);
    at = is_empty(message.snapshot) ? put_raw(at, kEmptySnapshotMeta)
                                    : put_snapshot_meta(at, message.snapshot);
    at = put_varint(at, message.offset);
    at = put_bytes(at, message.chunk);
    return put_boolean(at, message.done);
  });
}

namespace {

// read(Reader&, raft::Message&) and its form over a shared input (see read_entries).
void read_message(Reader& in, raft::Message& message, const SharedBytes* input_owner) {
  if (!read_short_head(in, message)) read_head(in, message);
  read_entries(in, message.entries, input_owner);
  if (!read_short_tail(in, message)) read_tail(in, message);
}

}  // namespace

void read(Reader& in, raft::Message& message) { read_message(in, message, nullptr); }

void read(Reader& in, raft::Message& message, const SharedBytes& input_owner) {
  read_message(in, message, &input_owner);
}

}  // namespace keel::codec
