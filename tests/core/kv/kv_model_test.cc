// Model-based test: random sequences of puts, ranges (now and in the past), deletes, txns,
// compactions, lease grants and revokes, and snapshot+restore, run against the Store and against a
// plain model that keeps a full copy of the key space per revision. Every result is compared
// (responses in full; errors by code, since the model does not spell messages).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "core/env/str.h"
#include "core/kv/kv_codec.h"
#include "core/kv/store.h"
#include "core/kv/watch_hub.h"

namespace keel::kv {
namespace {

constexpr int kCases = 300;
constexpr std::size_t kMaxLeases = 3;
constexpr std::int64_t kMinTtl = 2;

using State = std::map<std::string, KeyValue>;

bool model_in_range(const std::string& key, const Bytes& begin, const Bytes& end) {
  const std::string b = to_string(begin), e = to_string(end);
  if (e.empty()) return key == b;
  if (key < b) return false;
  return e == std::string(1, '\0') || key < e;
}

Error err(Errc code) { return Error{code, ""}; }

// The model: a copy of the whole key space at every revision.
struct Model {
  Revision rev = 1;
  Revision compact = 0;
  std::map<Revision, State> states{{1, State{}}};
  std::map<LeaseId, std::int64_t> leases;
  LeaseId counter = 1;

  const State& at(Revision r) const { return std::prev(states.upper_bound(r))->second; }

  Result<RangeResponse> range(const RangeRequest& r, const State& state) const {
    RangeResponse out;
    const std::size_t limit = r.limit == 0 ? SIZE_MAX : static_cast<std::size_t>(r.limit);
    for (const auto& [key, kv] : state) {
      if (!model_in_range(key, r.key, r.range_end)) continue;
      ++out.count;
      if (r.count_only) continue;
      if (out.kvs.size() >= limit) {
        out.more = true;
        continue;
      }
      out.kvs.push_back(kv);
      if (r.keys_only) out.kvs.back().value.clear();
    }
    return out;
  }

  Result<RangeResponse> range(const RangeRequest& r) const {
    if (r.revision > rev) return std::unexpected(err(Errc::kInvalidArgument));
    if (r.revision != 0 && r.revision < compact) return std::unexpected(err(Errc::kNotFound));
    return range(r, at(r.revision == 0 ? rev : r.revision));
  }

  // Writes into `next` at revision rev + 1.
  PutResponse put(const PutRequest& p, State& next) const {
    PutResponse out;
    const std::string key = to_string(p.key);
    KeyValue kv{p.key, p.value, rev + 1, rev + 1, 1, p.lease};
    if (auto it = next.find(key); it != next.end()) {
      if (p.prev_kv) out.prev_kv = it->second;
      kv.create_revision = it->second.create_revision;
      kv.version = it->second.version + 1;
    }
    next[key] = kv;
    return out;
  }

  DeleteRangeResponse remove(const DeleteRangeRequest& d, State& next) const {
    DeleteRangeResponse out;
    for (auto it = next.begin(); it != next.end();) {
      if (!model_in_range(it->first, d.key, d.range_end)) {
        ++it;
        continue;
      }
      ++out.deleted;
      if (d.prev_kv) out.prev_kvs.push_back(it->second);
      it = next.erase(it);
    }
    return out;
  }

  void commit(State next) {
    ++rev;
    states[rev] = std::move(next);
  }

  bool compare(const Compare& c) const {
    const State& state = at(rev);
    auto it = state.find(to_string(c.key));
    if (c.target == Compare::Target::kValue) {
      if (it == state.end()) return false;
      const std::string actual = to_string(it->second.value), expected = to_string(c.value);
      switch (c.op) {
        case Compare::Op::kEqual:
          return actual == expected;
        case Compare::Op::kNotEqual:
          return actual != expected;
        case Compare::Op::kLess:
          return actual < expected;
        case Compare::Op::kGreater:
          return actual > expected;
      }
    }
    std::int64_t actual = 0;
    if (it != state.end()) {
      const KeyValue& kv = it->second;
      actual = c.target == Compare::Target::kVersion  ? kv.version
               : c.target == Compare::Target::kCreate ? kv.create_revision
               : c.target == Compare::Target::kMod    ? kv.mod_revision
                                                      : kv.lease;
    }
    switch (c.op) {
      case Compare::Op::kEqual:
        return actual == c.number;
      case Compare::Op::kNotEqual:
        return actual != c.number;
      case Compare::Op::kLess:
        return actual < c.number;
      case Compare::Op::kGreater:
        return actual > c.number;
    }
    return false;
  }

  static bool duplicates(const std::vector<TxnOp>& ops) {
    std::set<std::string> puts;
    for (const TxnOp& op : ops) {
      if (auto* p = std::get_if<PutRequest>(&op); p && !puts.insert(to_string(p->key)).second) {
        return true;
      }
    }
    for (const TxnOp& op : ops) {
      auto* d = std::get_if<DeleteRangeRequest>(&op);
      if (d == nullptr) continue;
      for (const std::string& key : puts) {
        if (model_in_range(key, d->key, d->range_end)) return true;
      }
    }
    return false;
  }

  Result<Response> step(const Operation& op) {
    if (auto* p = std::get_if<PutRequest>(&op)) {
      if (p->lease != 0 && !leases.contains(p->lease)) return std::unexpected(err(Errc::kNotFound));
      State next = at(rev);
      PutResponse out = put(*p, next);
      commit(std::move(next));
      return Response{rev, out};
    }
    if (auto* r = std::get_if<RangeRequest>(&op)) {
      auto out = range(*r);
      if (!out) return std::unexpected(out.error());
      return Response{rev, *out};
    }
    if (auto* d = std::get_if<DeleteRangeRequest>(&op)) {
      State next = at(rev);
      DeleteRangeResponse out = remove(*d, next);
      if (out.deleted > 0) commit(std::move(next));
      return Response{rev, out};
    }
    if (auto* t = std::get_if<TxnRequest>(&op)) {
      if (duplicates(t->success) || duplicates(t->failure)) {
        return std::unexpected(err(Errc::kInvalidArgument));
      }
      TxnResponse out;
      out.succeeded = std::all_of(t->compare.begin(), t->compare.end(),
                                  [&](const Compare& c) { return compare(c); });
      const auto& ops = out.succeeded ? t->success : t->failure;
      for (const TxnOp& o : ops) {
        if (auto* p = std::get_if<PutRequest>(&o);
            p && p->lease != 0 && !leases.contains(p->lease)) {
          return std::unexpected(err(Errc::kNotFound));
        }
      }
      State next = at(rev);
      bool changed = false;
      for (const TxnOp& o : ops) {
        if (auto* p = std::get_if<PutRequest>(&o)) {
          out.responses.emplace_back(put(*p, next));
          changed = true;
        } else if (auto* r = std::get_if<RangeRequest>(&o)) {
          out.responses.emplace_back(*range(*r, next));
        } else {
          DeleteRangeResponse d = remove(std::get<DeleteRangeRequest>(o), next);
          changed = changed || d.deleted > 0;
          out.responses.emplace_back(std::move(d));
        }
      }
      if (changed) commit(std::move(next));
      return Response{rev, out};
    }
    if (auto* c = std::get_if<CompactRequest>(&op)) {
      if (c->revision <= compact || c->revision > rev) {
        return std::unexpected(err(Errc::kInvalidArgument));
      }
      compact = c->revision;
      return Response{rev, CompactResponse{}};
    }
    if (auto* g = std::get_if<LeaseGrantRequest>(&op)) {
      if (g->id != 0 && leases.contains(g->id)) return std::unexpected(err(Errc::kAlreadyExists));
      if (leases.size() >= kMaxLeases) return std::unexpected(err(Errc::kLimitExceeded));
      LeaseId id = g->id;
      if (id == 0) {
        id = counter;
        while (leases.contains(id)) ++id;
      }
      counter = std::max(counter, id + 1);
      const std::int64_t ttl = std::max(g->ttl, kMinTtl);
      leases[id] = ttl;
      return Response{rev, LeaseGrantResponse{id, ttl}};
    }
    if (auto* v = std::get_if<LeaseRevokeRequest>(&op)) {
      if (!leases.contains(v->id)) return std::unexpected(err(Errc::kNotFound));
      leases.erase(v->id);
      State next = at(rev);
      bool changed = false;
      for (auto it = next.begin(); it != next.end();) {
        if (it->second.lease == v->id) {
          it = next.erase(it);
          changed = true;
        } else {
          ++it;
        }
      }
      if (changed) commit(std::move(next));
      return Response{rev, LeaseRevokeResponse{}};
    }
    if (auto* q = std::get_if<LeaseTimeToLiveRequest>(&op)) {
      auto it = leases.find(q->id);
      if (it == leases.end()) return std::unexpected(err(Errc::kNotFound));
      LeaseTimeToLiveResponse out{q->id, it->second, {}};
      if (q->keys) {
        for (const auto& [key, kv] : at(rev)) {
          if (kv.lease == q->id) out.keys.push_back(kv.key);
        }
      }
      return Response{rev, out};
    }
    LeaseLeasesResponse out;
    for (const auto& [id, ttl] : leases) out.leases.push_back(id);
    return Response{rev, out};
  }
};

// The store, and a watcher of every key from the start whose events are checked against the
// model's states after each command.
struct Sut {
  explicit Sut(Store s) : store(std::move(s)), hub(store) {
    all = hub.watch(WatchRequest{Bytes{0}, Bytes{0}, 1, true}).value();
  }
  Store store;
  WatchHub hub;
  WatchId all = 0;
  std::uint64_t index = 0;
};

// The watcher saw exactly the changes of revision `rev` (at most one new revision per command).
void check_watch(const Model& m, Sut& sut, Revision before) {
  sut.hub.on_applied();
  std::set<std::string> changed;
  while (auto response = sut.hub.poll(sut.all, 1000)) {
    RC_ASSERT(!response->canceled);
    for (const Event& e : response->events) {
      const Revision r = e.kv.mod_revision;
      RC_ASSERT(r == m.rev);
      RC_ASSERT(r > before);
      const std::string key = to_string(e.kv.key);
      RC_ASSERT(changed.insert(key).second);
      const State& now = m.at(r);
      const State& prev = m.at(r - 1);
      if (e.type == Event::Type::kPut) {
        RC_ASSERT(now.contains(key) && now.at(key) == e.kv);
      } else {
        RC_ASSERT(!now.contains(key));
      }
      if (prev.contains(key)) {
        RC_ASSERT(e.prev_kv.has_value() && *e.prev_kv == prev.at(key));
      } else {
        RC_ASSERT(!e.prev_kv.has_value());
      }
    }
  }
  std::set<std::string> expected;
  if (m.rev > before) {
    const State& now = m.at(m.rev);
    const State& prev = m.at(m.rev - 1);
    for (const auto& [key, kv] : now) {
      if (!prev.contains(key) || !(prev.at(key) == kv)) expected.insert(key);
    }
    for (const auto& [key, kv] : prev) {
      if (!now.contains(key)) expected.insert(key);
    }
  }
  RC_ASSERT(changed == expected);
}

StoreLimits test_limits() {
  StoreLimits limits;
  limits.max_leases = kMaxLeases;
  limits.min_lease_ttl_seconds = kMinTtl;
  return limits;
}

// --- generators -------------------------------------------------------------------------------

rc::Gen<Bytes> gen_key() {
  return rc::gen::map(rc::gen::element<std::string>("a", "b", "c", "p/1", "p/2", "p/3", "q"),
                      [](const std::string& k) { return to_bytes(k); });
}

rc::Gen<Bytes> gen_range_end(const Bytes& key) {
  return rc::gen::element(Bytes{}, Bytes{}, prefix_end(key), Bytes{0}, to_bytes("p/2"),
                          prefix_end(to_bytes("p/")));
}

rc::Gen<LeaseId> gen_lease() {
  return rc::gen::weightedElement<LeaseId>({{4, 0}, {3, 1}, {2, 2}, {1, 5}});
}

PutRequest gen_put() {
  PutRequest p;
  p.key = *gen_key();
  p.value = to_bytes(*rc::gen::element<std::string>("", "x", "yy", "zzz"));
  p.lease = *gen_lease();
  p.prev_kv = *rc::gen::arbitrary<bool>();
  return p;
}

RangeRequest gen_range(Revision max_revision) {
  RangeRequest r;
  r.key = *gen_key();
  r.range_end = *gen_range_end(r.key);
  r.limit = *rc::gen::inRange<std::int64_t>(0, 4);
  r.revision = *rc::gen::weightedOneOf<Revision>(
      {{3, rc::gen::just<Revision>(0)}, {2, rc::gen::inRange<Revision>(0, max_revision + 2)}});
  r.keys_only = *rc::gen::weightedElement<bool>({{4, false}, {1, true}});
  r.count_only = *rc::gen::weightedElement<bool>({{4, false}, {1, true}});
  return r;
}

DeleteRangeRequest gen_delete() {
  DeleteRangeRequest d;
  d.key = *gen_key();
  d.range_end = *gen_range_end(d.key);
  d.prev_kv = *rc::gen::arbitrary<bool>();
  return d;
}

TxnOp gen_txn_op() {
  switch (*rc::gen::inRange(0, 3)) {
    case 0:
      return gen_put();
    case 1: {
      RangeRequest r = gen_range(0);
      r.revision = 0;
      return r;
    }
    default:
      return gen_delete();
  }
}

TxnRequest gen_txn() {
  TxnRequest t;
  const int compares = *rc::gen::inRange(0, 3);
  for (int i = 0; i < compares; ++i) {
    Compare c;
    c.target = static_cast<Compare::Target>(*rc::gen::inRange(0, 5));
    c.op = static_cast<Compare::Op>(*rc::gen::inRange(0, 4));
    c.key = *gen_key();
    c.number = *rc::gen::inRange<std::int64_t>(0, 6);
    c.value = to_bytes(*rc::gen::element<std::string>("", "x", "yy", "zzz"));
    t.compare.push_back(c);
  }
  const int success = *rc::gen::inRange(0, 4), failure = *rc::gen::inRange(0, 3);
  for (int i = 0; i < success; ++i) t.success.push_back(gen_txn_op());
  for (int i = 0; i < failure; ++i) t.failure.push_back(gen_txn_op());
  return t;
}

Operation gen_operation(const Model& m) {
  switch (*rc::gen::weightedElement<int>(
      {{6, 0}, {4, 1}, {2, 2}, {4, 3}, {1, 4}, {2, 5}, {1, 6}, {1, 7}, {1, 8}})) {
    case 0:
      return gen_put();
    case 1:
      return gen_range(m.rev);
    case 2:
      return gen_delete();
    case 3:
      return gen_txn();
    case 4:
      return CompactRequest{*rc::gen::inRange<Revision>(0, m.rev + 2)};
    case 5:
      return LeaseGrantRequest{*rc::gen::inRange<std::int64_t>(0, 20),
                               *rc::gen::weightedElement<LeaseId>({{3, 0}, {1, 1}, {1, 2}})};
    case 6:
      return LeaseRevokeRequest{*rc::gen::inRange<LeaseId>(1, 4)};
    case 7:
      return LeaseTimeToLiveRequest{*rc::gen::inRange<LeaseId>(1, 4), true};
    default:
      return LeaseLeasesRequest{};
  }
}

bool same_outcome(const Result<Response>& expected, const Result<Response>& actual) {
  if (expected.has_value() != actual.has_value()) return false;
  if (!expected) return expected.error().code == actual.error().code;
  return *expected == *actual;
}

std::string describe_result(const Result<Response>& r) {
  if (!r) return str("error ", to_string(r.error().code), ": ", r.error().message);
  const Bytes bytes = encode_to_bytes(r);
  return str("response at revision ", r->revision, " kind ", r->result.index(), " (", bytes.size(),
             " bytes encoded)");
}

// --- commands ---------------------------------------------------------------------------------

using Command = rc::state::Command<Model, Sut>;

struct Apply : Command {
  Operation op;
  explicit Apply(const Model& m) : op(gen_operation(m)) {}

  void apply(Model& m) const override { (void)m.step(op); }

  void run(const Model& m, Sut& sut) const override {
    Model next = m;
    const Result<Response> expected = next.step(op);
    const Result<Response> actual = sut.store.apply(Request{0, 0, op}, ++sut.index, 0);
    if (!same_outcome(expected, actual)) {
      RC_FAIL(describe_result(expected) + " expected, got " + describe_result(actual));
    }
    RC_ASSERT(sut.store.revision() == next.rev);
    RC_ASSERT(sut.store.compact_revision() == next.compact);
    // A serializable read of everything agrees too.
    RangeRequest all{to_bytes("\x01"), Bytes{0}, 0, 0, false, false};
    RC_ASSERT(sut.store.range(all).value() == next.range(all).value());
    check_watch(next, sut, m.rev);
  }

  void show(std::ostream& os) const override {
    Request request{0, 0, op};
    os << "apply kind " << op.index() << " (" << encode_to_bytes(request).size() << " bytes)";
  }
};

struct SnapshotRestore : Command {
  void run(const Model&, Sut& sut) const override {
    const Bytes snapshot = sut.store.snapshot();
    Store restored(test_limits());
    RC_ASSERT(restored.restore(snapshot).has_value());
    RC_ASSERT(restored.snapshot() == snapshot);
    sut.store = std::move(restored);
  }
  void show(std::ostream& os) const override { os << "snapshot and restore"; }
};

TEST(KvModel, StoreAgreesWithTheModelOnRandomSequences) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = kCases;
  params.maxSize = 150;
  const auto result = rc::detail::checkTestable(
      [] {
        Sut sut{Store(test_limits())};
        rc::state::check(Model{}, sut,
                         rc::state::gen::execOneOfWithArgs<Apply, Apply, Apply, SnapshotRestore>());
      },
      rc::detail::TestMetadata{}, params);
  std::ostringstream report;
  rc::detail::printResultMessage(result, report);
  EXPECT_TRUE(result.template is<rc::detail::SuccessResult>()) << report.str();
}

}  // namespace
}  // namespace keel::kv
