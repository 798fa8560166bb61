#include "sim/checkers/linearizability.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "sim/checkers/linearizability_counterexample.h"
#include "sim/checkers/linearization_search.h"
#include "sim/checkers/register_model.h"

namespace keel::sim {
namespace {

Status validate(const KvHistory& history, const LinearizabilityOptions& options) {
  if (history.size() > options.max_operations) {
    return fail(Errc::kLimitExceeded,
                str("history of ", history.size(), " operations exceeds max_operations ",
                    options.max_operations));
  }
  std::set<std::uint64_t> ids;
  for (const KvOp& op : history) {
    if (!ids.insert(op.id).second) {
      return fail(Errc::kInvalidArgument,
                  str("operation id ", op.id, " appears twice: ", describe(op)));
    }
    if (op.outcome != KvOp::Outcome::kUnknown && op.completed < op.invoked) {
      return fail(Errc::kInvalidArgument,
                  str("operation completed before it was invoked: ", describe(op)));
    }
  }
  return {};
}

}  // namespace

Result<LinearizabilityResult> check_linearizable(const KvHistory& history,
                                                 const LinearizabilityOptions& options) {
  if (Status valid = validate(history, options); !valid) return std::unexpected(valid.error());

  std::map<std::string, std::vector<const KvOp*>> by_key;
  for (const KvOp& op : history) by_key[op.key].push_back(&op);

  const SearchLimits limits{options.max_steps_per_key, options.max_memo_bytes_per_key};
  LinearizabilityResult result;
  result.keys = by_key.size();
  std::vector<std::string> gave_up;
  for (const auto& [key, ops] : by_key) {
    const RegisterHistory register_history = register_history_of(ops);
    result.operations_checked += register_history.ops.size();
    const SearchResult found = search_linearization(register_history, limits, false);
    result.steps += found.steps;
    result.largest_memo_bytes = std::max(result.largest_memo_bytes, found.memo_bytes);
    switch (found.outcome) {
      case SearchResult::Outcome::kLinearizable:
        break;
      case SearchResult::Outcome::kGaveUp:
        result.undecided_keys.push_back(key);
        gave_up.push_back(str("key \"", key, "\" undecided: ", found.gave_up_reason, "."));
        break;
      case SearchResult::Outcome::kNotLinearizable:
        result.violating_keys.push_back(key);
        if (result.violating_keys.size() == 1) {
          Counterexample counterexample =
              explain_violation(ops, register_history, limits, options.max_shrink_steps);
          result.key = key;
          result.failing_ops = std::move(counterexample.ops);
          result.failing_ops_minimal = counterexample.minimal;
          result.explanation = std::move(counterexample.explanation);
        }
        break;
    }
  }
  if (!result.violating_keys.empty()) {
    result.verdict = LinearizabilityResult::Verdict::kViolation;
  } else if (!result.undecided_keys.empty()) {
    result.verdict = LinearizabilityResult::Verdict::kUnknown;
  }
  for (const std::string& line : gave_up) {
    result.explanation += str(result.explanation.empty() ? "" : "\n", line);
  }
  return result;
}

std::string_view to_string(LinearizabilityResult::Verdict verdict) {
  switch (verdict) {
    case LinearizabilityResult::Verdict::kOk:
      return "ok";
    case LinearizabilityResult::Verdict::kViolation:
      return "violation";
    case LinearizabilityResult::Verdict::kUnknown:
      return "unknown";
  }
  KEEL_UNREACHABLE("unknown verdict ", static_cast<int>(verdict));
}

std::string describe(const LinearizabilityResult& result) {
  std::string text =
      str("linearizability: ", to_string(result.verdict), " (", result.keys, " keys, ",
          result.operations_checked, " operations, ", result.steps, " search steps)\n");
  if (result.verdict == LinearizabilityResult::Verdict::kViolation) {
    text += str("key \"", result.key, "\" is not linearizable; ",
                result.failing_ops_minimal ? "a minimal" : "a (not fully shrunk)",
                " failing set of ", result.failing_ops.size(), " operations:\n");
    for (const KvOp& op : result.failing_ops) text += str("  ", describe(op), "\n");
    if (result.violating_keys.size() > 1) {
      text += str("(", result.violating_keys.size() - 1, " more violating keys)\n");
    }
  }
  if (!result.explanation.empty()) text += str(result.explanation, "\n");
  return text;
}

}  // namespace keel::sim
