// Plans one v2 write (PUT, POST, DELETE) against a view of the v2 tree (v2_keyspace.h) as the
// single Txn that performs it, following etcd's v2 store rules (etcd's store.Set, Create, Update,
// CompareAndSwap, Delete, CompareAndDelete):
// - the root is read only (107); a file on the way to the node is "Not a directory" (104), missing
//   directories on the way are created in the same revision;
// - PUT: prevExist=false creates (105 if it exists, action "create"); prevExist=true updates (100
//   if missing, "update"); prevValue/prevIndex compare and swap a file (100, 102 on a directory,
//   101 with cause "[want != have]", "compareAndSwap"); otherwise "set", which cannot replace a
//   directory (102). refresh=true keeps the value and sets a new TTL.
// - POST: creates "<dir>/<20-digit index>" under a directory, the index being the revision the
//   write is planned at plus one: unique and increasing in commit order, since every POST pins
//   the directory's children key, so of the POSTs planned on one view all but one are planned
//   again at a later revision.
// - DELETE: a file; a directory needs dir=true (else 102) and, unless recursive=true, no children
//   (108); prevValue/prevIndex compare and delete a file ("compareAndDelete").
// The txn succeeds only if every node (and children key) the plan looked at is unchanged since
// the view (compares on their mod revisions; 0 for a missing one), so a plan made on a stale view
// fails and is made again; it also puts the children keys of the directories whose children it
// adds or removes, and the record of its action (v2_keyspace.h). Rules that fail give the
// V2Error to answer.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include "core/kv/store.h"
#include "core/kv/types.h"
#include "real/http/v2_error.h"
#include "real/http/v2_keyspace.h"

namespace keel::real::http {

struct V2Write {
  enum class Kind : std::uint8_t { kPut, kPost, kDelete };
  Kind kind = Kind::kPut;
  std::string path;  // cleaned
  std::optional<std::string> value;
  bool dir = false;
  bool recursive = false;
  bool refresh = false;
  std::optional<std::int64_t> expire_ms;  // with a TTL: when it expires (unix ms)
  std::optional<std::string> prev_value;
  std::optional<kv::Revision> prev_index;
  std::optional<bool> prev_exist;
};

struct V2WritePlan {
  kv::TxnRequest txn;
  std::string action;
  // The node as the answer shows it; a zero index means "the txn's revision".
  V2Node node;
  std::optional<V2Node> prev_node;
  bool created = false;  // answered with 201 Created
};

// `lease` is the TTL's lease (0 without a TTL).
std::expected<V2WritePlan, V2Error> plan_v2_write(const V2Write& write, const kv::Store& store,
                                                  kv::LeaseId lease);

}  // namespace keel::real::http
