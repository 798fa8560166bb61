#include "sim/checkers/client_writes.h"

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::sim {

bool may_have_taken_effect(const KvOp& op) {
  switch (op.outcome) {
    case KvOp::Outcome::kFailed:
      return false;
    case KvOp::Outcome::kUnknown:
      return op.kind != KvOp::Kind::kGet;
    case KvOp::Outcome::kOk:
      switch (op.kind) {
        case KvOp::Kind::kGet:
          return false;
        case KvOp::Kind::kPut:
          return true;
        case KvOp::Kind::kCas:
          return op.cas_succeeded;
        case KvOp::Kind::kDelete:
          return op.deleted;
      }
  }
  KEEL_UNREACHABLE("unknown outcome or kind of op #", op.id);
}

ClientWrites::ClientWrites(std::span<const KvOp> history) {
  for (const KvOp& op : history) {
    if (op.kind == KvOp::Kind::kPut || op.kind == KvOp::Kind::kCas) {
      puts_[{op.key, op.value}].push_back(&op);
    } else if (op.kind == KvOp::Kind::kDelete) {
      deletes_[op.key].push_back(&op);
    }
    if (op.kind != KvOp::Kind::kGet && op.outcome == KvOp::Outcome::kOk && op.revision != 0 &&
        may_have_taken_effect(op)) {
      acknowledged_.push_back(&op);
    }
  }
}

std::optional<std::string> ClientWrites::unexplained(const kv::Event& event,
                                                     Time delivered_by) const {
  const std::string key = kv::to_string(event.kv.key);
  const kv::Revision revision = event.kv.mod_revision;
  const std::vector<const KvOp*>* candidates = nullptr;
  std::string what;
  if (event.type == kv::Event::Type::kPut) {
    const std::string value = kv::to_string(event.kv.value);
    what = str("put ", key, "=", value);
    auto it = puts_.find({key, value});
    if (it != puts_.end()) candidates = &it->second;
  } else {
    what = str("delete of ", key);
    auto it = deletes_.find(key);
    if (it != deletes_.end()) candidates = &it->second;
  }
  if (candidates == nullptr)
    return str(what, " at revision ", revision, " was asked for by no client");
  std::string reasons;
  for (const KvOp* op : *candidates) {
    std::string reason;
    if (!may_have_taken_effect(*op)) {
      reason = "did not take effect";
    } else if (op->outcome == KvOp::Outcome::kOk && op->revision != 0 && op->revision != revision) {
      reason = str("took effect at revision ", op->revision);
    } else if (op->invoked > delivered_by) {
      reason = "was invoked after the change was delivered";
    } else {
      return std::nullopt;
    }
    reasons += str("; ", describe(*op), " ", reason);
  }
  return str(what, " at revision ", revision, " is explained by no client write", reasons);
}

}  // namespace keel::sim
