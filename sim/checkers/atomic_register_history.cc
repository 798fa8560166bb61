#include "sim/checkers/atomic_register_history.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/env/assert.h"
#include "core/env/random.h"
#include "core/env/str.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kCasCandidates = 3;  // a cas expects one of its key's last 3 written values

KvOp::Kind draw_kind(Random& random, const RegisterWorkload& workload) {
  const auto roll = static_cast<int>(random.below(100));
  if (roll < workload.get_percent) return KvOp::Kind::kGet;
  if (roll < workload.get_percent + workload.put_percent) return KvOp::Kind::kPut;
  if (roll < workload.get_percent + workload.put_percent + workload.cas_percent) {
    return KvOp::Kind::kCas;
  }
  return KvOp::Kind::kDelete;
}

// Applies `op` to the register at its instant and records the answer it got.
void take_effect(KvOp& op, std::map<std::string, std::string>& store) {
  const auto it = store.find(op.key);
  switch (op.kind) {
    case KvOp::Kind::kGet:
      op.read = it == store.end() ? std::nullopt : std::optional<std::string>(it->second);
      break;
    case KvOp::Kind::kPut:
      store[op.key] = op.value;
      break;
    case KvOp::Kind::kCas:
      op.cas_succeeded = it != store.end() && it->second == op.expected;
      if (op.cas_succeeded) it->second = op.value;
      break;
    case KvOp::Kind::kDelete:
      op.deleted = it != store.end();
      if (op.deleted) store.erase(it);
      break;
  }
}

}  // namespace

KvHistory atomic_register_history(std::uint64_t seed, const RegisterWorkload& workload) {
  KEEL_ASSERT(workload.clients > 0 && workload.keys > 0, "a workload needs clients and keys");
  Random random(seed);
  std::vector<Time> client_free(static_cast<std::size_t>(workload.clients));
  for (Time& free : client_free) free = Time{} + random.between(Duration{0}, Duration{3ms});
  std::map<std::string, std::vector<std::string>> written;  // per key, in generation order

  KvHistory history;
  std::vector<std::pair<Time, std::size_t>> effects;  // (instant, index in history)
  for (std::size_t i = 0; i < workload.operations; ++i) {
    const auto next_client = std::min_element(client_free.begin(), client_free.end());
    KvOp& op = history.emplace_back();
    op.id = i + 1;
    op.client = static_cast<int>(next_client - client_free.begin());
    op.kind = draw_kind(random, workload);
    op.key = str("k", random.below(static_cast<std::uint64_t>(workload.keys)));
    op.invoked = *next_client;
    op.completed = op.invoked + random.between(Duration{100us}, Duration{5ms});
    *next_client = op.completed + random.between(Duration{0}, Duration{2ms});
    std::vector<std::string>& key_written = written[op.key];
    if (op.kind == KvOp::Kind::kCas) {
      const std::size_t candidates = std::min(kCasCandidates, key_written.size());
      op.expected = candidates == 0
                        ? "v0"  // never written: this cas cannot swap
                        : key_written[key_written.size() - 1 - random.below(candidates)];
    }
    if (op.kind == KvOp::Kind::kPut || op.kind == KvOp::Kind::kCas) {
      op.value = str("v", op.id);
      key_written.push_back(op.value);
    }
    op.outcome = KvOp::Outcome::kOk;
    bool takes_effect = true;
    if (random.chance(workload.refused_fraction)) {
      op.outcome = KvOp::Outcome::kFailed;
      takes_effect = false;
    } else if (random.chance(workload.unknown_fraction)) {
      op.outcome = KvOp::Outcome::kUnknown;
      takes_effect = random.chance(0.5);
    }
    if (takes_effect) {
      const Time instant = op.invoked + random.between(Duration{0}, op.completed - op.invoked);
      effects.emplace_back(instant, i);
    }
  }
  std::sort(effects.begin(), effects.end());
  std::map<std::string, std::string> store;
  for (const auto& [instant, index] : effects) take_effect(history[index], store);
  return history;
}

}  // namespace keel::sim
