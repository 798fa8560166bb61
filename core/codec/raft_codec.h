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

// The same encodings into a BoundedWriter's room, which must hold the value's size bound (every
// varint counted at its longest, byte strings as that and their bytes: see bounded_writer.h). The
// Writer encoders above are these, in room the Writer makes (Writer::bounded).
void encode(BoundedWriter& out, const raft::Entry& entry);
void encode(BoundedWriter& out, const raft::HardState& state);
void encode(BoundedWriter& out, const raft::ConfState& conf);
void encode(BoundedWriter& out, const raft::ConfChange& change);
void encode(BoundedWriter& out, const raft::SnapshotMeta& meta);
void encode(BoundedWriter& out, const raft::Message& message);

// encode(message) in three parts, into room of at least the size bounds below (the frame encoder
// makes room for a whole frame once), for an encoder that copies the entries' bytes from an
// earlier encoding of the same entries (encode_frames in frame.h): the fields before the entries,
// the entries (their count, then each), and the fields after them. encode_entries() takes
// encoded_size_bound(entries), which its caller computed to make room, rather than computing it
// again (one pass over the entries per frame instead of two); a bound under what it writes is
// fatal, as in BoundedWriter::put.
void encode_head(BoundedWriter& out, const raft::Message& message);
void encode_entries(BoundedWriter& out, std::span<const raft::Entry> entries,
                    std::size_t entries_bound);
void encode_tail(BoundedWriter& out, const raft::Message& message);

// At least the size of encode(message), cheaply computed (every varint counted at its longest,
// as BoundedWriter needs), so that a frame's room is made once; and its parts:
// encode_entries(entries), and encode_head plus encode_tail.
std::size_t encoded_size_bound(const raft::Message& message);
std::size_t encoded_size_bound(std::span<const raft::Entry> entries);
std::size_t encoded_size_bound_outside_entries(const raft::Message& message);
// A hard state's encoding: three varints.
inline constexpr std::size_t kHardStateBound = 3 * kMaxVarintBytes;

// Reads one value; failures are recorded in the Reader (check ok() after the last read).
void read(Reader& in, raft::Entry& entry);
void read(Reader& in, raft::HardState& state);
void read(Reader& in, raft::ConfState& conf);
void read(Reader& in, raft::ConfChange& change);
void read(Reader& in, raft::SnapshotMeta& meta);
void read(Reader& in, raft::Message& message);
// The same, where the Reader's input lies within `input_owner`: the entries' data are slices of
// it rather than of a copy (decode_frame: a frame's entries share the received frame).
void read(Reader& in, raft::Message& message, const SharedBytes& input_owner);

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
