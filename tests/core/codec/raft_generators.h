// rapidcheck generators for Raft's types, for codec and storage property tests.
#pragma once

#include <rapidcheck.h>

#include "core/raft/types.h"

namespace rc {

template <>
struct Arbitrary<keel::SharedBytes> {
  static Gen<keel::SharedBytes> arbitrary() {
    return gen::map(gen::arbitrary<keel::Bytes>(),
                    [](const keel::Bytes& bytes) { return keel::SharedBytes(bytes); });
  }
};

template <>
struct Arbitrary<keel::raft::Entry> {
  static Gen<keel::raft::Entry> arbitrary() {
    using keel::raft::Entry;
    using keel::raft::EntryType;
    return gen::build<Entry>(
        gen::set(&Entry::term), gen::set(&Entry::index),
        gen::set(&Entry::type, gen::element(EntryType::kNormal, EntryType::kConfChange)),
        gen::set(&Entry::data));
  }
};

template <>
struct Arbitrary<keel::raft::HardState> {
  static Gen<keel::raft::HardState> arbitrary() {
    using keel::raft::HardState;
    return gen::build<HardState>(gen::set(&HardState::term), gen::set(&HardState::vote),
                                 gen::set(&HardState::commit));
  }
};

template <>
struct Arbitrary<keel::raft::ConfState> {
  static Gen<keel::raft::ConfState> arbitrary() {
    using keel::raft::ConfState;
    return gen::build<ConfState>(gen::set(&ConfState::voters), gen::set(&ConfState::learners));
  }
};

template <>
struct Arbitrary<keel::raft::ConfChange> {
  static Gen<keel::raft::ConfChange> arbitrary() {
    using keel::raft::ConfChange;
    using keel::raft::ConfChangeType;
    return gen::build<ConfChange>(
        gen::set(&ConfChange::type,
                 gen::element(ConfChangeType::kAddLearner, ConfChangeType::kPromoteLearner,
                              ConfChangeType::kRemoveNode)),
        gen::set(&ConfChange::node));
  }
};

template <>
struct Arbitrary<keel::raft::SnapshotMeta> {
  static Gen<keel::raft::SnapshotMeta> arbitrary() {
    using keel::raft::SnapshotMeta;
    return gen::build<SnapshotMeta>(gen::set(&SnapshotMeta::index), gen::set(&SnapshotMeta::term),
                                    gen::set(&SnapshotMeta::conf));
  }
};

template <>
struct Arbitrary<keel::raft::Message> {
  static Gen<keel::raft::Message> arbitrary() {
    using keel::raft::Message;
    using keel::raft::MessageType;
    return gen::build<Message>(
        gen::set(&Message::type, gen::map(gen::inRange(0, keel::raft::kMessageTypeCount),
                                          [](int t) { return static_cast<MessageType>(t); })),
        gen::set(&Message::cluster), gen::set(&Message::from), gen::set(&Message::to),
        gen::set(&Message::term), gen::set(&Message::log_term), gen::set(&Message::index),
        gen::set(&Message::entries,
                 gen::resize(20, gen::arbitrary<std::vector<keel::raft::Entry>>())),
        gen::set(&Message::commit), gen::set(&Message::reject), gen::set(&Message::reject_hint),
        gen::set(&Message::hint_term), gen::set(&Message::context), gen::set(&Message::snapshot),
        gen::set(&Message::offset), gen::set(&Message::chunk), gen::set(&Message::done));
  }
};

}  // namespace rc
