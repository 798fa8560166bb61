#include "sim/checkers/register_model.h"

#include <map>

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::sim {
namespace {

RegisterOp::Kind kind_of(KvOp::Kind kind) {
  switch (kind) {
    case KvOp::Kind::kGet:
      return RegisterOp::Kind::kGet;
    case KvOp::Kind::kPut:
      return RegisterOp::Kind::kPut;
    case KvOp::Kind::kCas:
      return RegisterOp::Kind::kCas;
    case KvOp::Kind::kDelete:
      return RegisterOp::Kind::kDelete;
  }
  KEEL_UNREACHABLE("unknown KvOp kind ", static_cast<int>(kind));
}

// Gives each distinct value text one ValueId, in order of first use, so ids are deterministic.
class ValueTable {
 public:
  explicit ValueTable(std::vector<std::string>& values) : values_(values) {
    values_.assign(1, "(none)");
  }
  ValueId intern(const std::string& text) {
    const auto [it, inserted] = ids_.try_emplace(text, static_cast<ValueId>(values_.size()));
    if (inserted) values_.push_back(text);
    return it->second;
  }

 private:
  std::vector<std::string>& values_;
  std::map<std::string, ValueId> ids_;
};

std::string quoted(ValueId value, const RegisterHistory& history) {
  return value == kMissing ? "nothing" : str('"', history.values[value], '"');
}

}  // namespace

RegisterHistory register_history_of(std::span<const KvOp* const> ops) {
  RegisterHistory history;
  ValueTable table(history.values);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const KvOp& op = *ops[i];
    const bool known = op.outcome == KvOp::Outcome::kOk;
    if (op.outcome == KvOp::Outcome::kFailed) continue;
    if (!known && op.kind == KvOp::Kind::kGet) continue;
    RegisterOp& out = history.ops.emplace_back();
    out.source = i;
    out.kind = kind_of(op.kind);
    out.known = known;
    out.invoked = op.invoked;
    out.completed = known ? op.completed : Time::max();
    switch (op.kind) {
      case KvOp::Kind::kGet:
        out.value = op.read ? table.intern(*op.read) : kMissing;
        break;
      case KvOp::Kind::kPut:
        out.value = table.intern(op.value);
        break;
      case KvOp::Kind::kCas:
        out.value = table.intern(op.value);
        out.expected = table.intern(op.expected);
        out.succeeded = known && op.cas_succeeded;
        break;
      case KvOp::Kind::kDelete:
        out.succeeded = known && op.deleted;
        break;
    }
  }
  return history;
}

RegisterHistory subset_of(const RegisterHistory& history, std::span<const std::size_t> keep) {
  RegisterHistory out;
  out.values = history.values;
  out.ops.reserve(keep.size());
  for (const std::size_t i : keep) {
    KEEL_ASSERT(i < history.ops.size(), "subset index ", i, " past ", history.ops.size(), " ops");
    out.ops.push_back(history.ops[i]);
  }
  return out;
}

std::optional<ValueId> step(ValueId state, const RegisterOp& op) {
  switch (op.kind) {
    case RegisterOp::Kind::kGet:
      KEEL_ASSERT(op.known, "an unknown get constrains nothing and must have been dropped");
      if (op.value != state) return std::nullopt;
      return state;
    case RegisterOp::Kind::kPut:
      return op.value;
    case RegisterOp::Kind::kCas: {
      const bool matches = state != kMissing && state == op.expected;
      if (op.known && matches != op.succeeded) return std::nullopt;
      return matches ? op.value : state;
    }
    case RegisterOp::Kind::kDelete:
      if (op.known && (state != kMissing) != op.succeeded) return std::nullopt;
      return kMissing;
  }
  KEEL_UNREACHABLE("unknown register op kind ", static_cast<int>(op.kind));
}

std::string rejection(ValueId state, const RegisterOp& op, const RegisterHistory& history) {
  if (step(state, op)) return "";
  const std::string holds = str("the key holds ", quoted(state, history));
  switch (op.kind) {
    case RegisterOp::Kind::kGet:
      return str("it read ", quoted(op.value, history), " while ", holds);
    case RegisterOp::Kind::kCas:
      return op.succeeded
                 ? str("it swapped, expecting ", quoted(op.expected, history), ", while ", holds)
                 : str("it did not swap although ", holds, ", which it expected");
    case RegisterOp::Kind::kDelete:
      return op.succeeded ? str("it deleted the key while ", holds)
                          : str("it found the key missing while ", holds);
    case RegisterOp::Kind::kPut:
      break;
  }
  KEEL_UNREACHABLE("a put is never rejected");
}

}  // namespace keel::sim
