#include "core/kv/key_index.h"

#include <algorithm>
#include <utility>

#include "core/env/assert.h"

namespace keel::kv {

const KeyIndex::Version* KeyIndex::Record::at(Revision at) const {
  if (latest.mod <= at) return &latest;
  if (!older) return nullptr;
  auto it = std::upper_bound(older->begin(), older->end(), at,
                             [](Revision r, const Version& v) { return r < v.mod; });
  if (it == older->begin()) return nullptr;
  return &*std::prev(it);
}

std::pair<const KeyIndex::Version*, const KeyIndex::Version*> KeyIndex::Record::exact(
    Revision rev) const {
  const Version* newest_older = older && !older->empty() ? &older->back() : nullptr;
  if (latest.mod == rev) return {&latest, newest_older};
  if (!older) return {nullptr, nullptr};
  auto it = std::lower_bound(older->begin(), older->end(), rev,
                             [](const Version& v, Revision r) { return v.mod < r; });
  if (it == older->end() || it->mod != rev) return {nullptr, nullptr};
  return {&*it, it == older->begin() ? nullptr : &*std::prev(it)};
}

KeyValue KeyIndex::to_key_value(ByteView key, const Version& version, bool with_value) {
  KeyValue kv;
  kv.key.assign(key.begin(), key.end());
  if (with_value) {
    const ByteView value = version.value.view();
    kv.value.assign(value.begin(), value.end());
  }
  kv.create_revision = version.create;
  kv.mod_revision = version.mod;
  kv.version = version.version;
  kv.lease = version.lease;
  return kv;
}

const KeyIndex::Version* KeyIndex::get(ByteView key, Revision rev) const {
  auto it = keys_.find(key);
  if (it == keys_.end()) return nullptr;
  const Version* version = it->second.at(rev);
  return version == nullptr || version->tombstone() ? nullptr : version;
}

KeyIndex::WriteOutcome KeyIndex::put(ByteView key, const ByteView* value, const LeaseId* lease,
                                     Revision rev, KeyValue* prev) {
  auto it = keys_.lower_bound(key);
  WriteOutcome outcome;
  if (it == keys_.end() || compare_bytes(it->first.view(), key) != 0) {
    KEEL_ASSERT(value != nullptr && lease != nullptr, "put keeping the value or lease of key ",
                to_string(key), " that does not exist");
    it = keys_.emplace_hint(it, KeyBytes(key), Record{});
    Version& fresh = it->second.latest;
    fresh = Version{rev, rev, 1, *lease, ValueBytes(*value)};
    outcome.new_lease = *lease;
    log_change(*it, rev, value->size());
    return outcome;
  }
  Record& record = it->second;
  Version& last = record.latest;
  KEEL_ASSERT(last.mod < rev, "key ", to_string(key), " written at revision ", rev,
              " after revision ", last.mod);
  const bool live = !last.tombstone();
  KEEL_ASSERT(live || (value != nullptr && lease != nullptr), "put keeping the value or lease of ",
              "deleted key ", to_string(key));
  if (live) {
    outcome.replaced = true;
    outcome.old_lease = last.lease;
    if (prev != nullptr) *prev = to_key_value(key, last);
  }
  Version next{rev, live ? last.create : rev, live ? last.version + 1 : 1,
               lease != nullptr ? *lease : last.lease,
               value != nullptr ? ValueBytes(*value) : last.value};
  outcome.new_lease = next.lease;
  const std::size_t value_bytes = next.value.size();
  if (!record.older) record.older = std::make_unique<std::vector<Version>>();
  record.older->push_back(std::move(last));
  last = std::move(next);
  log_change(*it, rev, value_bytes);
  return outcome;
}

KeyIndex::WriteOutcome KeyIndex::remove(ByteView key, Revision rev, KeyValue* prev) {
  auto it = keys_.find(key);
  KEEL_ASSERT(it != keys_.end() && !it->second.latest.tombstone(), "delete of key ", to_string(key),
              " that is not live");
  Record& record = it->second;
  KEEL_ASSERT(record.latest.mod < rev, "key ", to_string(key), " deleted at revision ", rev,
              " after revision ", record.latest.mod);
  WriteOutcome outcome{true, record.latest.lease, 0};
  if (prev != nullptr) *prev = to_key_value(key, record.latest);
  if (!record.older) record.older = std::make_unique<std::vector<Version>>();
  record.older->push_back(std::move(record.latest));
  record.latest = Version{rev, 0, 0, 0, ValueBytes()};
  log_change(*it, rev, 0);
  return outcome;
}

void KeyIndex::log_change(const Node& node, Revision rev, std::size_t value_bytes) {
  KEEL_ASSERT(log_.empty() || log_.back().revision <= rev, "change at revision ", rev,
              " logged after revision ", log_.back().revision);
  const auto bytes = static_cast<std::uint32_t>(node.first.size() + value_bytes);
  log_.push_back(Change{rev, &node, bytes});
  history_bytes_ += bytes;
}

bool KeyIndex::prune(Record& record, Revision at) {
  if (record.latest.mod <= at) {
    record.older.reset();
    return record.latest.tombstone() && record.latest.mod < at;
  }
  if (!record.older) return false;
  std::vector<Version>& older = *record.older;
  // Keep the newest version at or below `at`, unless it is a tombstone older than `at`.
  auto keep = std::upper_bound(older.begin(), older.end(), at,
                               [](Revision r, const Version& v) { return r < v.mod; });
  if (keep != older.begin()) {
    --keep;
    if (keep->tombstone() && keep->mod < at) ++keep;
  }
  older.erase(older.begin(), keep);
  if (older.empty()) {
    record.older.reset();
  } else if (older.capacity() > 2 * older.size() + 4) {
    older.shrink_to_fit();
  }
  return false;
}

void KeyIndex::compact(Revision at) {
  std::vector<const Node*> emptied;  // in log order, each once
  std::size_t dropped = 0;
  for (const Change& change : log_) {
    if (change.revision >= at) break;
    ++dropped;
    auto& node = const_cast<Node&>(*change.node);
    if (node.second.latest.mod == 0) continue;  // emptied by an earlier change of this loop
    if (prune(node.second, at)) {
      node.second.latest.mod = 0;
      emptied.push_back(change.node);
    }
  }
  for (std::size_t i = 0; i < dropped; ++i) {
    history_bytes_ -= log_.front().bytes;
    log_.pop_front();
  }
  for (const Node* node : emptied) keys_.erase(node->first);
}

void KeyIndex::restore_key(ByteView key, std::vector<Version> versions) {
  KEEL_ASSERT(!versions.empty(), "restored key ", to_string(key), " has no versions");
  auto it = keys_.emplace_hint(keys_.end(), KeyBytes(key), Record{});
  Record& record = it->second;
  record.latest = std::move(versions.back());
  versions.pop_back();
  if (!versions.empty()) {
    record.older = std::make_unique<std::vector<Version>>(std::move(versions));
  }
  restore_order_.push_back(&*it);
}

bool KeyIndex::restore_change(Revision revision, std::size_t key_ordinal) {
  if (key_ordinal >= restore_order_.size()) return false;
  const Node& node = *restore_order_[key_ordinal];
  const Version* version = node.second.exact(revision).first;
  if (version == nullptr || (!log_.empty() && log_.back().revision > revision)) return false;
  log_change(node, revision, version->value.size());
  return true;
}

}  // namespace keel::kv
