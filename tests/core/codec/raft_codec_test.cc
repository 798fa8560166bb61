#include "core/codec/raft_codec.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string_view>
#include <utility>

#include "core/codec/limits.h"
#include "core/codec/raft_generators.h"
#include "core/env/random.h"

namespace keel::codec {
namespace {

raft::Message sample_message() {
  raft::Message m;
  m.type = raft::MessageType::kAppend;
  m.cluster = 0xC1;
  m.from = 1;
  m.to = 3;
  m.term = 7;
  m.log_term = 6;
  m.index = 41;
  for (raft::Index i = 42; i < 45; ++i) {
    m.entries.push_back(
        {7, i, raft::EntryType::kNormal, Bytes{1, 2, 3, static_cast<std::uint8_t>(i)}});
  }
  m.entries.push_back({7, 45, raft::EntryType::kConfChange,
                       encode(raft::ConfChange{raft::ConfChangeType::kAddLearner, 4})});
  m.commit = 40;
  m.reject = true;
  m.reject_hint = 39;
  m.hint_term = 5;
  m.context = 99;
  m.snapshot = {30, 4, {{1, 2, 3}, {4}}};
  m.offset = 1 << 20;
  m.chunk = Bytes(300, 0xAB);
  m.done = true;
  return m;
}

template <class T>
void check_round_trip(const T& value) {
  const Bytes encoded = encode(value);
  const Result<T> decoded = decode<T>(encoded);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == value);
}

RC_GTEST_PROP(CodecRoundTrip, Entry, (const raft::Entry& v)) { check_round_trip(v); }
RC_GTEST_PROP(CodecRoundTrip, HardState, (const raft::HardState& v)) { check_round_trip(v); }
RC_GTEST_PROP(CodecRoundTrip, ConfState, (const raft::ConfState& v)) { check_round_trip(v); }
RC_GTEST_PROP(CodecRoundTrip, ConfChange, (const raft::ConfChange& v)) { check_round_trip(v); }
RC_GTEST_PROP(CodecRoundTrip, SnapshotMeta, (const raft::SnapshotMeta& v)) { check_round_trip(v); }
RC_GTEST_PROP(CodecRoundTrip, Message, (const raft::Message& v)) { check_round_trip(v); }

RC_GTEST_PROP(CodecMessage, SizeBoundHoldsForEveryMessage, (const raft::Message& v)) {
  RC_ASSERT(encode(v).size() <= encoded_size_bound(v));
}

TEST(CodecMessage, SizeBoundIsTightEnoughToReserveFrames) {
  raft::Message m = sample_message();
  m.cluster = m.from = m.to = m.term = m.log_term = m.index = m.commit = ~std::uint64_t{0};
  m.reject_hint = m.hint_term = m.context = m.offset = ~std::uint64_t{0};
  m.snapshot.index = m.snapshot.term = ~std::uint64_t{0};
  for (raft::Entry& entry : m.entries) entry.term = entry.index = ~std::uint64_t{0};
  m.snapshot.conf.voters = {~std::uint64_t{0}};
  m.snapshot.conf.learners = {~std::uint64_t{0}};
  // Every field at its longest: the bound is loose only in counts and lengths (entries, voters,
  // learners, chunk, and each entry's data).
  const std::size_t encoded = encode(m).size();
  ASSERT_LE(encoded, encoded_size_bound(m));
  EXPECT_LE(encoded_size_bound(m) - encoded, (4 + m.entries.size()) * kMaxVarintBytes);
}

// A reminder with teeth: raft::Message's size changes when a field is added, and every field must
// be encoded (raft_codec.cc) and generated (raft_generators.h). Update kExpected after doing both.
TEST(CodecMessage, CoversEveryField) {
  constexpr std::size_t kExpected = 224;
  EXPECT_EQ(sizeof(raft::Message), kExpected)
      << "raft::Message changed: encode/read the new field in core/codec/raft_codec.cc, generate "
         "it in tests/core/codec/raft_generators.h, then update kExpected";
}

TEST(CodecMessage, EveryTruncationFailsCleanly) {
  const Bytes encoded = encode(sample_message());
  for (std::size_t n = 0; n < encoded.size(); ++n) {
    const auto decoded = decode<raft::Message>(ByteView(encoded).first(n));
    ASSERT_FALSE(decoded.has_value()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(decoded.error().code, Errc::kCorrupt) << decoded.error().message;
    EXPECT_NE(decoded.error().message.find("Message."), std::string::npos)
        << decoded.error().message;
  }
  EXPECT_TRUE(decode<raft::Message>(encoded).has_value());
}

TEST(CodecMessage, DecodedEntriesShareOneBufferPerMessage) {
  raft::Message m = sample_message();
  m.entries.push_back({7, 46, raft::EntryType::kNormal, {}});  // a leader's no-op: no data
  const auto decoded = decode<raft::Message>(encode(m));
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->entries, m.entries);
  // The four entries with data are slices of one buffer; the empty one holds none.
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(decoded->entries[i].data.use_count(), 4u);
  EXPECT_EQ(decoded->entries[4].data.use_count(), 0u);
}

// Entries whose varints take more than three bytes (a term, index or data length of 2^21 or
// more) are past the decoder's fast path, which hands the rest of the message to the Reader: they
// and the entries after them decode alike, their data slices of the same one buffer.
TEST(CodecMessage, EntriesWithLongVarintsDecodeAmongShortOnes) {
  raft::Message m = sample_message();
  m.entries.clear();
  const raft::Index far = raft::Index{1} << 40;
  const Bytes data{1, 2, 3};
  m.entries.push_back({7, 40, raft::EntryType::kNormal, data});
  m.entries.push_back({7, far, raft::EntryType::kNormal, data});  // an index of six bytes
  m.entries.push_back({7, 42, raft::EntryType::kNormal, data});
  m.entries.push_back({far, 43, raft::EntryType::kNormal, data});             // a term of six bytes
  m.entries.push_back({7, 44, raft::EntryType::kNormal, Bytes(1 << 21, 9)});  // a 4-byte length
  m.entries.push_back({7, 45, raft::EntryType::kConfChange, data});
  const auto decoded = decode<raft::Message>(encode(m));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(*decoded, m);
  for (const raft::Entry& entry : decoded->entries) EXPECT_EQ(entry.data.use_count(), 6u);
}

// Entries are read from a copy of the input; a failure in one still names the entry and its
// offset in the input itself.
TEST(CodecMessage, ABadEntryIsReportedAtItsOffsetInTheInput) {
  const raft::Message m = sample_message();
  Bytes before_entry_2;
  Writer w(before_entry_2);
  // The first two entries under a count of 2, as long as the message's count of 4 (one byte).
  w.bounded(encoded_size_bound(m), [&](BoundedWriter& out) {
    encode_head(out, m);
    const auto first_two = std::span(m.entries).first(2);
    encode_entries(out, first_two, encoded_size_bound(first_two));
  });
  Bytes encoded = encode(m);
  const std::size_t type_at = before_entry_2.size() + 2;  // after its term and index
  encoded[type_at] = 5;
  const auto decoded = decode<raft::Message>(encoded);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().message,
            str("Message.entries[2]: Entry.type: value 5 is not one of the 2 known (at offset ",
                type_at + 1, ")"));
}

TEST(CodecMessage, TheSplitEncodingIsTheWholeOne) {
  const raft::Message m = sample_message();
  Bytes parts;
  Writer w(parts);
  w.bounded(encoded_size_bound_outside_entries(m) + encoded_size_bound(m.entries),
            [&](BoundedWriter& out) {
              encode_head(out, m);
              encode_entries(out, m.entries, encoded_size_bound(m.entries));
              encode_tail(out, m);
            });
  EXPECT_EQ(parts, encode(m));
  EXPECT_LE(parts.size(), encoded_size_bound_outside_entries(m) + encoded_size_bound(m.entries));
}

// encode_entries() trusts the bound its caller computed to make room, and aborts once it has
// written past it (the room must hold what it writes: the caller's bound is the real one).
TEST(CodecMessageDeathTest, EntriesOverTheBoundTheCallerPassedAreFatal) {
  const raft::Message m = sample_message();
  Bytes encoded;
  Writer w(encoded);
  const std::size_t too_small = 1;  // the count's byte alone
  EXPECT_DEATH(w.bounded(encoded_size_bound(m.entries),
                         [&](BoundedWriter& out) { encode_entries(out, m.entries, too_small); }),
               str("is over its bound of ", too_small));
}

// encode_tail() writes an empty snapshot meta as its four zero bytes at once: the bytes are the
// meta's own encoding, between the context and the offset, for an empty meta and for metas that
// differ from it in one field only.
TEST(CodecMessage, AnEmptySnapshotMetaIsWrittenAsItsOwnEncoding) {
  raft::Message m;
  m.context = 5;
  m.offset = 6;
  raft::SnapshotMeta index_only;
  index_only.index = 1;
  raft::SnapshotMeta term_only;
  term_only.term = 1;
  raft::SnapshotMeta voter_only;
  voter_only.conf.voters = {1};
  raft::SnapshotMeta learner_only;
  learner_only.conf.learners = {1};
  for (const raft::SnapshotMeta& meta :
       {raft::SnapshotMeta{}, index_only, term_only, voter_only, learner_only}) {
    m.snapshot = meta;
    const Bytes message = encode(m);
    const Bytes expected = encode(meta);
    // The meta's bytes end before the offset (one byte), the chunk's length (one) and done (one).
    ASSERT_GE(message.size(), expected.size() + 3);
    const Bytes actual(message.end() - 3 - expected.size(), message.end() - 3);
    EXPECT_EQ(actual, expected);
    EXPECT_EQ(message[message.size() - 4 - expected.size()], 5) << "the context before the meta";
    EXPECT_EQ(decode<raft::Message>(message).value(), m);
  }
  EXPECT_EQ(encode(raft::SnapshotMeta{}), Bytes(4, 0));
}

// read(Message) reads the fields before and after the entries on a fast path while their varints
// are short (at most three bytes, values below 2^21), and by the Reader otherwise: each field at
// each varint length around that edge must read back, the others short or long, with and without
// entries and a snapshot meta.
TEST(CodecMessage, EveryFieldReadsBackAtEveryVarintLength) {
  using Field = std::uint64_t raft::Message::*;
  const Field fields[] = {
      &raft::Message::cluster, &raft::Message::from,        &raft::Message::to,
      &raft::Message::term,    &raft::Message::log_term,    &raft::Message::index,
      &raft::Message::commit,  &raft::Message::reject_hint, &raft::Message::hint_term,
      &raft::Message::context, &raft::Message::offset};
  const std::uint64_t values[] = {
      0, 127, 128, (1u << 14) - 1, 1u << 14, (1u << 21) - 1, 1u << 21, ~std::uint64_t{0}};
  for (const bool short_others : {true, false}) {
    for (const bool with_entries : {true, false}) {
      raft::Message base = sample_message();
      if (!with_entries) base.entries.clear();
      if (short_others) {
        base.snapshot = {};
        base.chunk.clear();
      }
      for (const Field field : fields) {
        if (!short_others) base.*field = std::uint64_t{1} << 40;
      }
      for (const Field field : fields) {
        for (const std::uint64_t value : values) {
          raft::Message m = base;
          m.*field = value;
          const auto decoded = decode<raft::Message>(encode(m));
          ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
          ASSERT_EQ(*decoded, m) << "value " << value << " short others " << short_others;
        }
      }
    }
  }
}

// A field the fast path does not take is read by the Reader, whose error names the field and its
// offset: a non-canonical varint (a one-byte value written in two) or a bad boolean in each place
// of a message whose fields all take one byte.
TEST(CodecMessage, AMalformedFieldIsNamedWhereverItIs) {
  raft::Message m;
  m.type = raft::MessageType::kAppendResponse;
  m.cluster = 1;
  m.from = 2;
  m.to = 3;
  m.term = 4;
  m.log_term = 5;
  m.index = 6;
  m.commit = 7;
  m.reject_hint = 8;
  m.hint_term = 9;
  m.context = 10;
  m.offset = 11;
  const Bytes valid = encode(m);
  // type, the head's varints, the entry count, the tail up to the snapshot, its meta, offset,
  // chunk length and done.
  ASSERT_EQ(valid, (Bytes{static_cast<std::uint8_t>(m.type),
                          1,
                          2,
                          3,
                          4,
                          5,
                          6,
                          0,
                          7,
                          0,
                          8,
                          9,
                          10,
                          0,
                          0,
                          0,
                          0,
                          11,
                          0,
                          0}));
  const std::pair<std::size_t, std::string_view> varints[] = {
      {1, "cluster"},    {2, "from"},     {3, "to"},      {4, "term"},
      {5, "log_term"},   {6, "index"},    {8, "commit"},  {10, "reject_hint"},
      {11, "hint_term"}, {12, "context"}, {17, "offset"}, {18, "chunk"}};
  for (const auto& [at, name] : varints) {
    Bytes bad = valid;
    bad[at] |= 0x80;
    bad.insert(bad.begin() + static_cast<std::ptrdiff_t>(at) + 1, 0);
    const auto decoded = decode<raft::Message>(bad);
    ASSERT_FALSE(decoded) << name;
    EXPECT_EQ(decoded.error().message,
              str("Message.", name, ": varint is not in its shortest form (at offset ", at, ")"));
  }
  for (const auto& [at, name] : {std::pair<std::size_t, std::string_view>{9, "reject"},
                                 std::pair<std::size_t, std::string_view>{19, "done"}}) {
    Bytes bad = valid;
    bad[at] = 2;
    const auto decoded = decode<raft::Message>(bad);
    ASSERT_FALSE(decoded) << name;
    EXPECT_EQ(decoded.error().message,
              str("Message.", name, ": boolean is 2, not 0 or 1 (at offset ", at + 1, ")"));
  }
  for (std::size_t n = 0; n < valid.size(); ++n) {
    const auto decoded = decode<raft::Message>(ByteView(valid).first(n));
    ASSERT_FALSE(decoded) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(decoded.error().code, Errc::kCorrupt) << decoded.error().message;
    EXPECT_NE(decoded.error().message.find("Message."), std::string::npos)
        << decoded.error().message;
  }
}

TEST(CodecMessage, TrailingBytesAreRejected) {
  Bytes encoded = encode(sample_message());
  encoded.push_back(0);
  EXPECT_FALSE(decode<raft::Message>(encoded).has_value());
}

TEST(CodecMessage, BadEnumsNameTheField) {
  Bytes encoded = encode(sample_message());
  encoded[0] = raft::kMessageTypeCount;
  const auto decoded = decode<raft::Message>(encoded);
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("Message.type: value 14 is not one of the 14 known"),
            std::string::npos)
      << decoded.error().message;
  const auto change = decode<raft::ConfChange>(Bytes{3, 1});
  ASSERT_FALSE(change);
  EXPECT_NE(change.error().message.find("ConfChange.type"), std::string::npos);
}

TEST(CodecMessage, EntryCountOverTheLimitIsRejectedBeforeAllocating) {
  raft::Message m;
  Bytes encoded = encode(m);
  // Message.entries' count is the 8th field; every field before it is a one-byte zero.
  ASSERT_EQ(encoded[7], 0);
  Bytes huge;
  Writer(huge).varint(kMaxEntriesPerMessage + 1);
  encoded.erase(encoded.begin() + 7);
  encoded.insert(encoded.begin() + 7, huge.begin(), huge.end());
  const auto decoded = decode<raft::Message>(encoded);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, Errc::kLimitExceeded);
  EXPECT_NE(decoded.error().message.find("Message.entries: count 4097 exceeds the limit 4096"),
            std::string::npos)
      << decoded.error().message;
}

TEST(CodecEntry, DataOverTheLimitIsRejected) {
  Bytes encoded;
  Writer w(encoded);
  w.varint(1);
  w.varint(1);
  w.u8(0);
  w.varint(kMaxEntryDataBytes + 1);
  const auto decoded = decode<raft::Entry>(encoded);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, Errc::kLimitExceeded);
  EXPECT_NE(decoded.error().message.find("Entry.data"), std::string::npos);
}

// Random bytes must never crash a decoder, read out of bounds (run under ASan) or allocate much;
// whatever does decode must re-encode to the same bytes (the encoding is canonical).
TEST(CodecMessage, RandomGarbageNeverCrashes) {
  Random random(2024);
  int decoded_count = 0;
  for (int i = 0; i < 5000; ++i) {
    Bytes garbage(random.below(200));
    for (auto& b : garbage) b = static_cast<std::uint8_t>(random.next());
    if (!garbage.empty() && random.chance(0.5)) garbage[0] = random.below(raft::kMessageTypeCount);
    if (auto m = decode<raft::Message>(garbage)) {
      ++decoded_count;
      ASSERT_EQ(encode(*m), garbage);
    }
    (void)decode<raft::Entry>(garbage);
    (void)decode<raft::SnapshotMeta>(garbage);
    if (auto h = decode<raft::HardState>(garbage)) {
      ASSERT_EQ(encode(*h), garbage);
    }
  }
  SUCCEED() << decoded_count << " garbage inputs happened to decode";
}

// Mutations of a valid encoding: each either fails with an error or decodes canonically.
TEST(CodecMessage, MutatedEncodingsFailOrStayCanonical) {
  const Bytes valid = encode(sample_message());
  Random random(77);
  for (int i = 0; i < 5000; ++i) {
    Bytes mutated = valid;
    const int flips = 1 + static_cast<int>(random.below(4));
    for (int f = 0; f < flips; ++f) {
      mutated[random.below(mutated.size())] = static_cast<std::uint8_t>(random.next());
    }
    if (auto m = decode<raft::Message>(mutated)) {
      ASSERT_EQ(encode(*m), mutated);
    } else {
      ASSERT_FALSE(m.error().message.empty());
    }
  }
}

}  // namespace
}  // namespace keel::codec
