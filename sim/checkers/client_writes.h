// ClientWrites: the writes of a KV history (kv_history.h) indexed for the watch checker, which asks
// two questions of them: which client write can explain a change a watcher saw, and which writes
// were acknowledged with a revision (so every watcher covering that revision must see them).
//
// A write "may have taken effect" unless its outcome says it did not: kFailed, a cas answered "not
// swapped", a delete answered "was missing". An acknowledged write (kOk with a revision) took
// effect at exactly that revision, so it explains no change at any other revision. A write
// explains a change only if it was invoked no later than the change was delivered (Porcupine's
// rule that an operation takes effect between its invocation and its completion).
//
// The index points into the history it was built from, which must outlive it.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/env/types.h"
#include "core/kv/types.h"
#include "sim/checkers/kv_history.h"

namespace keel::sim {

class ClientWrites {
 public:
  explicit ClientWrites(std::span<const KvOp> history);

  // Why no write explains `event` (a put: a put or cas of that key and value; a delete: a delete of
  // that key) delivered no later than `delivered_by`; nullopt if some write explains it.
  std::optional<std::string> unexplained(const kv::Event& event, Time delivered_by) const;

  // The writes that took effect with a known revision, in history order: a put, a cas that
  // swapped, a delete that deleted, each kOk with a revision.
  const std::vector<const KvOp*>& acknowledged() const { return acknowledged_; }

 private:
  std::map<std::pair<std::string, std::string>, std::vector<const KvOp*>> puts_;  // (key, value)
  std::map<std::string, std::vector<const KvOp*>> deletes_;                       // by key
  std::vector<const KvOp*> acknowledged_;
};

// Whether the write may have changed the store (see above).
bool may_have_taken_effect(const KvOp& op);

}  // namespace keel::sim
