// The binary encoding of the key-value store's requests and responses (types.h), with the codec's
// Writer/Reader: what the node puts in Raft entries and sends to clients, and what snapshots hold.
//
// Decoding untrusted input never trusts it: every length and count is checked against limits.h
// before anything is allocated, enums against their range, and a failure names the field
// ("PutRequest.key: length 9000 is over the limit of 8192 ..."). Decoding checks the encoding
// only; the store checks the meaning (validate.h).
#pragma once

#include "core/codec/reader.h"
#include "core/codec/writer.h"
#include "core/env/error.h"
#include "core/kv/types.h"

namespace keel::kv {

void encode(codec::Writer& out, const KeyValue& kv);
void encode(codec::Writer& out, const Event& event);
void encode(codec::Writer& out, const Request& request);
void encode(codec::Writer& out, const Result<Response>& response);
void encode(codec::Writer& out, const Batch& batch);
void encode(codec::Writer& out, const WatchRequest& request);
void encode(codec::Writer& out, const WatchResponse& response);

void read(codec::Reader& in, KeyValue& kv);
void read(codec::Reader& in, Event& event);
void read(codec::Reader& in, Request& request);
void read(codec::Reader& in, Result<Response>& response);
void read(codec::Reader& in, Batch& batch);
void read(codec::Reader& in, WatchRequest& request);
void read(codec::Reader& in, WatchResponse& response);

// Whole-buffer helpers: decode() fails unless the input is exactly one value.
template <class T>
Bytes encode_to_bytes(const T& value) {
  Bytes out;
  codec::Writer writer(out);
  encode(writer, value);
  return out;
}

template <class T>
Result<T> decode(ByteView input, std::string_view what) {
  codec::Reader reader(input);
  T value{};
  read(reader, value);
  if (Status done = reader.finish(what); !done) return std::unexpected(done.error());
  return value;
}

}  // namespace keel::kv
