#include "real/http/v2_write_plan.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/env/str.h"

namespace keel::real::http {

namespace {

using Plan = std::expected<V2WritePlan, V2Error>;

// What a plan reads and writes, with the compares that pin what it read.
class Planner {
 public:
  explicit Planner(const kv::Store& store) : store_(store), reader_(store) {}

  std::optional<V2Node> look(const std::string& path) {
    std::optional<V2Node> node = reader_.find(path);
    pin(node_key(path), node ? node->modified : 0);
    return node;
  }

  // Pins the set of `dir`'s children (see kChildrenPrefix).
  void look_at_children(const std::string& dir) {
    pin(children_key(dir), reader_.children_revision(dir));
  }

  // Checks the directories above `path`, creating the missing ones.
  std::optional<V2Error> make_parents(const std::string& path) {
    for (const std::string& parent : ancestors(path)) {
      const std::optional<V2Node> node = look(parent);
      if (node && !node->dir) return error(V2Code::kNotDir, parent);
      if (!node) put(parent, NodeValue{true, std::nullopt, ""}, 0);
    }
    return std::nullopt;
  }

  // Puts a node; a new one is announced to its parent's children key.
  void put(const std::string& path, const NodeValue& value, kv::LeaseId lease) {
    kv::PutRequest put;
    put.key = node_key(path);
    put.value = encode_node_value(value);
    put.lease = lease;
    txn_.success.push_back(std::move(put));
    if (!reader_.find(path)) children_changed_.insert(parent_of(path));
  }

  // Removes a node, and with it the subtree below it and the subtree's children keys.
  void remove(const std::string& path, bool subtree) {
    delete_range(node_key(path), {});
    children_changed_.insert(parent_of(path));
    if (!subtree) return;
    const Bytes children = children_prefix(path);
    delete_range(children, kv::prefix_end(children));
    delete_range(children_key(path), {});
    const Bytes deeper = subdirectory_children_prefix(path);
    delete_range(deeper, kv::prefix_end(deeper));
  }

  V2Error error(V2Code code, std::string cause) const {
    return V2Error{code, std::move(cause), store_.revision()};
  }
  // etcd's answer for a missing node: the first missing step (or a file in the way) names it.
  V2Error not_found(const std::string& path) const { return reader_.resolve(path).error(); }

  // Finishes the txn: the children keys touched, and the record of the action.
  V2WritePlan finish(std::string action, V2Node node, std::optional<V2Node> prev, bool created) {
    for (const std::string& dir : children_changed_) {
      kv::PutRequest touch;
      touch.key = children_key(dir);
      txn_.success.push_back(std::move(touch));
    }
    kv::PutRequest record;
    record.key = kv::to_bytes(kActionKey);
    record.value = kv::to_bytes(action + " " + node.key);
    txn_.success.push_back(std::move(record));
    return V2WritePlan{std::move(txn_), std::move(action), std::move(node), std::move(prev),
                       created};
  }

  const kv::Store& store() const { return store_; }

 private:
  static std::string parent_of(const std::string& path) {
    return path.substr(0, std::max<std::size_t>(path.rfind('/'), 1));
  }

  void pin(Bytes key, kv::Revision mod_revision) {
    kv::Compare compare;
    compare.target = kv::Compare::Target::kMod;
    compare.key = std::move(key);
    compare.number = mod_revision;
    txn_.compare.push_back(std::move(compare));
  }

  void delete_range(Bytes key, Bytes end) {
    kv::DeleteRangeRequest remove;
    remove.key = std::move(key);
    remove.range_end = std::move(end);
    txn_.success.push_back(std::move(remove));
  }

  const kv::Store& store_;
  V2Reader reader_;
  kv::TxnRequest txn_;
  std::set<std::string> children_changed_;  // directories whose children key the txn puts
};

// etcd's getCompareFailCause: "[want != have]" for each failed comparison.
std::optional<std::string> compare_failure(const V2Write& write, const V2Node& node) {
  const bool value_fails = write.prev_value && *write.prev_value != node.value.value_or("");
  const bool index_fails = write.prev_index && *write.prev_index != node.modified;
  if (value_fails && index_fails) {
    return str("[", *write.prev_value, " != ", node.value.value_or(""), "] [", *write.prev_index,
               " != ", node.modified, "]");
  }
  if (value_fails) return str("[", *write.prev_value, " != ", node.value.value_or(""), "]");
  if (index_fails) return str("[", *write.prev_index, " != ", node.modified, "]");
  return std::nullopt;
}

Plan plan_put(const V2Write& write, Planner& planner, kv::LeaseId lease) {
  if (std::optional<V2Error> bad = planner.make_parents(write.path)) return std::unexpected(*bad);
  const std::optional<V2Node> prev = planner.look(write.path);
  const bool compare = write.prev_value || write.prev_index;
  std::string action = "set";
  if (compare) {
    if (!prev) return std::unexpected(planner.not_found(write.path));
    if (prev->dir) return std::unexpected(planner.error(V2Code::kNotFile, write.path));
    if (auto cause = compare_failure(write, *prev)) {
      return std::unexpected(planner.error(V2Code::kTestFailed, *cause));
    }
    action = "compareAndSwap";
  } else if (write.prev_exist == false) {
    if (prev) return std::unexpected(planner.error(V2Code::kNodeExist, write.path));
    action = "create";
  } else if (write.prev_exist == true) {
    if (!prev) return std::unexpected(planner.not_found(write.path));
    if (prev->dir != write.dir) return std::unexpected(planner.error(V2Code::kNotFile, write.path));
    action = "update";
  } else if (prev && prev->dir) {
    return std::unexpected(planner.error(V2Code::kNotFile, write.path));
  }
  if (write.refresh && !prev) {
    return std::unexpected(planner.not_found(write.path));
  }
  NodeValue value{write.dir, write.expire_ms, ""};
  if (!write.dir) {
    value.data = write.refresh ? prev->value.value_or("") : write.value.value_or("");
  }
  planner.put(write.path, value, lease);
  V2Node node{write.path, write.dir, std::nullopt, write.expire_ms, prev ? prev->created : 0,
              0,          {}};
  if (!write.dir) node.value = value.data;
  return planner.finish(std::move(action), std::move(node), prev, !prev);
}

Plan plan_post(const V2Write& write, Planner& planner, kv::LeaseId lease) {
  if (write.path != "/") {
    if (std::optional<V2Error> bad = planner.make_parents(write.path)) return std::unexpected(*bad);
    const std::optional<V2Node> dir = planner.look(write.path);
    if (dir && !dir->dir) return std::unexpected(planner.error(V2Code::kNotDir, write.path));
    if (!dir) planner.put(write.path, NodeValue{true, std::nullopt, ""}, 0);
  }
  planner.look_at_children(write.path);
  char name[32];
  std::snprintf(name, sizeof(name), "%020lld",
                static_cast<long long>(planner.store().revision() + 1));
  const std::string path = (write.path == "/" ? "" : write.path) + "/" + name;
  if (planner.look(path)) return std::unexpected(planner.error(V2Code::kNodeExist, path));
  NodeValue value{write.dir, write.expire_ms, write.dir ? "" : write.value.value_or("")};
  planner.put(path, value, lease);
  V2Node node{path, write.dir, std::nullopt, write.expire_ms, 0, 0, {}};
  if (!write.dir) node.value = value.data;
  return planner.finish("create", std::move(node), std::nullopt, true);
}

Plan plan_delete(const V2Write& write, Planner& planner) {
  const std::optional<V2Node> prev = planner.look(write.path);
  if (!prev) return std::unexpected(planner.not_found(write.path));
  std::string action = "delete";
  if (write.prev_value || write.prev_index) {
    if (prev->dir) return std::unexpected(planner.error(V2Code::kNotFile, write.path));
    if (auto cause = compare_failure(write, *prev)) {
      return std::unexpected(planner.error(V2Code::kTestFailed, *cause));
    }
    action = "compareAndDelete";
  } else if (prev->dir) {
    if (!write.dir && !write.recursive) {
      return std::unexpected(planner.error(V2Code::kNotFile, write.path));
    }
    if (!write.recursive) {
      planner.look_at_children(write.path);
      if (V2Reader(planner.store()).has_children(write.path)) {
        return std::unexpected(planner.error(V2Code::kDirNotEmpty, write.path));
      }
    }
  }
  planner.remove(write.path, prev->dir);
  V2Node node{write.path, prev->dir, std::nullopt, std::nullopt, prev->created, 0, {}};
  return planner.finish(std::move(action), std::move(node), prev, false);
}

}  // namespace

std::expected<V2WritePlan, V2Error> plan_v2_write(const V2Write& write, const kv::Store& store,
                                                  kv::LeaseId lease) {
  Planner planner(store);
  if (write.path == "/" && write.kind != V2Write::Kind::kPost) {
    return std::unexpected(planner.error(V2Code::kRootReadOnly, "/"));
  }
  switch (write.kind) {
    case V2Write::Kind::kPut:
      return plan_put(write, planner, lease);
    case V2Write::Kind::kPost:
      return plan_post(write, planner, lease);
    case V2Write::Kind::kDelete:
      return plan_delete(write, planner);
  }
  return std::unexpected(planner.error(V2Code::kRaftInternal, "unknown write"));
}

}  // namespace keel::real::http
