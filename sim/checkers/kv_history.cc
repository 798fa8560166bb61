#include "sim/checkers/kv_history.h"

#include <chrono>

#include "core/env/str.h"

namespace keel::sim {
namespace {

std::string seconds(Time t) {
  return str(std::chrono::duration<double>(t.time_since_epoch()).count(), "s");
}

std::string shown(const std::optional<std::string>& value) { return value ? *value : "(none)"; }

}  // namespace

std::string describe(const KvOp& op) {
  std::string what;
  switch (op.kind) {
    case KvOp::Kind::kGet:
      what = str("get ", op.key);
      break;
    case KvOp::Kind::kPut:
      what = str("put ", op.key, "=", op.value);
      break;
    case KvOp::Kind::kCas:
      what = str("cas ", op.key, " ", op.expected, "->", op.value);
      break;
    case KvOp::Kind::kDelete:
      what = str("delete ", op.key);
      break;
  }
  std::string answer;
  switch (op.outcome) {
    case KvOp::Outcome::kFailed:
      answer = "refused";
      break;
    case KvOp::Outcome::kUnknown:
      answer = "unknown";
      break;
    case KvOp::Outcome::kOk:
      switch (op.kind) {
        case KvOp::Kind::kGet:
          answer = str("read ", shown(op.read));
          break;
        case KvOp::Kind::kCas:
          answer = op.cas_succeeded ? "swapped" : "not swapped";
          break;
        case KvOp::Kind::kDelete:
          answer = op.deleted ? "deleted" : "was missing";
          break;
        case KvOp::Kind::kPut:
          answer = "ok";
          break;
      }
      break;
  }
  const std::string until = op.outcome == KvOp::Outcome::kUnknown ? "?" : seconds(op.completed);
  return str("#", op.id, " c", op.client, " ", what, " -> ", answer, " [", seconds(op.invoked),
             ", ", until, "]");
}

}  // namespace keel::sim
