// The v2 keyspace over Keel's MVCC store: how etcd's v2 tree of files and directories is kept in
// v3-style keys, as etcd's own v2-over-v3 emulation (etcdserver/api/v2v3) did it.
//
// Contract of the mapping:
// - A v2 path is cleaned like Go's path.Clean("/" + path): "/a//b/../c/" is "/a/c". The root "/"
//   is a directory that is never stored and cannot be written.
// - Every other node (file or directory) is exactly one MVCC key: kKeysPrefix + path, e.g.
//   "/v2k/a/c". Its value starts with a header line: "f" for a file, "d" for a directory,
//   followed by "@<unix ms>" when the node has a TTL (the wall-clock expiration, for display), then
//   "\n", then the file's value. A directory's children are the keys under its key + "/".
// - Indexes are revisions: createdIndex = create_revision, modifiedIndex = mod_revision, and
//   X-Etcd-Index is the store's revision.
// - A TTL is a lease: the node's key is attached to a lease granted with that TTL, and expires
//   with it (etcd's lessor revokes it through Raft). Children do not inherit a directory's lease.
// - Each directory D (the root too) has a children key, kChildrenPrefix + D ("/v2c/a"), put by
//   every write that adds or removes a child of D (its value is empty). It orders the writes that
//   depend on D's set of children: removing D without recursive=true (it must be empty) and POST
//   (its generated names must grow in commit order). Creating or removing a node changes neither
//   its parent's key nor modifiedIndex, as in etcd.
// - Every v2 write is one Txn that also puts kActionKey with "<action> <path>", so the store
//   records, at each revision, which action on which node made it: watchers read it back to tell
//   "set" from "create" and a delete from an expiry (no record at that revision). The Txn compares
//   the mod revisions of every node and children key its plan looked at with the ones it saw (0
//   for a missing one), so a plan made on a stale view fails and is made again
//   (v2_write_plan.h); writes to unrelated nodes never conflict.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/types.h"
#include "core/kv/store.h"
#include "core/kv/types.h"
#include "real/http/v2_error.h"

namespace keel::real::http {

inline constexpr std::string_view kKeysPrefix = "/v2k";
inline constexpr std::string_view kChildrenPrefix = "/v2c";
inline constexpr std::string_view kActionKey = "/v2action";

// Go's path.Clean of "/" + raw.
std::string clean_path(std::string_view raw);
// The MVCC key of a node, and the prefix of its descendants' keys.
Bytes node_key(std::string_view path);
Bytes children_prefix(std::string_view path);
// The children key of a directory, and the prefix of the children keys of its subdirectories.
Bytes children_key(std::string_view dir);
Bytes subdirectory_children_prefix(std::string_view dir);
// The path of an MVCC key under kKeysPrefix, or nothing for another key.
std::optional<std::string> path_of(ByteView key);
// "/a/b/c" -> {"/a", "/a/b"}; the root has none.
std::vector<std::string> ancestors(std::string_view path);
// Whether `path` is strictly below `dir`.
bool is_below(std::string_view path, std::string_view dir);
// Whether a segment of `path` below `dir` starts with '_' (etcd hides such nodes in listings).
bool hidden_below(std::string_view path, std::string_view dir);

struct NodeValue {
  bool dir = false;
  std::optional<std::int64_t> expire_ms;  // unix milliseconds
  std::string data;                       // a file's value
};
Bytes encode_node_value(const NodeValue& value);
// Nothing if the bytes are not a node value (a key written by something else).
std::optional<NodeValue> decode_node_value(ByteView bytes);

// One node as the v2 API shows it.
struct V2Node {
  std::string key;
  bool dir = false;
  std::optional<std::string> value;  // a file's, shown even when empty; none for a deleted node
  std::optional<std::int64_t> expire_ms;
  kv::Revision created = 0;
  kv::Revision modified = 0;
  std::vector<V2Node> nodes;  // a listed directory's children, sorted by key
};

// The node of a stored key-value (no children); nothing if it is not a node.
std::optional<V2Node> to_v2_node(const kv::KeyValue& kv);

// Reads the v2 tree from a store (a local, serializable view: callers order it with a barrier).
class V2Reader {
 public:
  explicit V2Reader(const kv::Store& store) : store_(store) {}

  // The node at `path` at `revision` (0: now), without children.
  std::optional<V2Node> find(std::string_view path, kv::Revision revision = 0) const;
  // The node at `path`, or the error etcd's tree walk gives (etcd's store.internalGet): 100 naming
  // the first missing step of the path, or 104 naming a file on the way.
  std::expected<V2Node, V2Error> resolve(std::string_view path) const;
  // Whether the directory at `path` has children.
  bool has_children(std::string_view path) const;
  // `dir` (a found directory) with its children (and theirs, if recursive), hidden ones left out.
  void list(V2Node& dir, bool recursive) const;
  // The recorded "<action> <path>" if a v2 write made `revision`.
  std::optional<std::pair<std::string, std::string>> action_at(kv::Revision revision) const;
  // The mod revision of a directory's children key now (0 if it was never written).
  kv::Revision children_revision(std::string_view dir) const;

 private:
  const kv::Store& store_;
};

}  // namespace keel::real::http
