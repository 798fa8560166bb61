// The binary encoding of Raft's types (core/raft/types.h), shared by network frames and WAL
// records. Integers are varints, enums one byte, byte strings length-prefixed (see writer.h).
//
// Contract:
// - decode<T>(encode(x)) == x for every value the encoder accepts.
// - Encoders assert the limits in limits.h (a message past them is a bug in its producer);
//   decoders return an error naming the field for anything malformed or over a limit, and reject
//   trailing bytes. The encoding is canonical: a decodable input re-encodes to the same bytes.
#pragma once

#include <span>

#include "core/codec/reader.h"
#include "core/codec/writer.h"
#include "core/env/error.h"
#include "core/raft/types.h"

namespace keel::codec {

void encode(Writer& out, const raft::Entry& entry);
void encode(Writer& out, const raft::HardState& state);
void encode(Writer& out, const raft::ConfState& conf);
void encode(Writer& out, const raft::ConfChange& change);
void encode(Writer& out, const raft::SnapshotMeta& meta);
void encode(Writer& out, const raft::Message& message);

// encode(message) in its three parts, for an encoder that copies the entries' bytes from an
// earlier encoding of the same entries (encode_frames in frame.h): the fields before the entries,
// the entries (their count, then each), and the fields after them.
void encode_head(Writer& out, const raft::Message& message);
void encode_entries(Writer& out, std::span<const raft::Entry> entries);
void encode_tail(Writer& out, const raft::Message& message);

// At least the size of encode(message), cheaply computed, so that a frame is allocated once;
// and its parts: encode_entries(entries), and encode_head plus encode_tail.
std::size_t encoded_size_bound(const raft::Message& message);
std::size_t encoded_size_bound(std::span<const raft::Entry> entries);
std::size_t encoded_size_bound_outside_entries(const raft::Message& message);

// Reads one value; failures are recorded in the Reader (check ok() after the last read).
void read(Reader& in, raft::Entry& entry);
void read(Reader& in, raft::HardState& state);
void read(Reader& in, raft::ConfState& conf);
void read(Reader& in, raft::ConfChange& change);
void read(Reader& in, raft::SnapshotMeta& meta);
void read(Reader& in, raft::Message& message);

template <class T>
Bytes encode(const T& value) {
  Bytes out;
  Writer writer(out);
  encode(writer, value);
  return out;
}

// Decodes a whole buffer holding exactly one T.
template <class T>
Result<T> decode(ByteView input) {
  Reader reader(input);
  T value;
  read(reader, value);
  if (Status done = reader.finish("decode"); !done) return std::unexpected(done.error());
  return value;
}

}  // namespace keel::codec
