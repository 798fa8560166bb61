// Mirror: a local copy of every key under a prefix, kept up to date from the store (etcd's
// mirror.Syncer): a linearizable range read at some revision R, then a watch from R + 1. After a
// compaction cancels the watch, it reads everything again and tells the listener what changed
// between the two copies, so a listener sees the same sequence of states either way. A watch
// canceled for another reason (member removed, no leader) is reopened from the last revision.
//
// Contract: on_change runs once per key change the mirror learns, after the mirror's map holds
// it (the first copy tells every key as new; a re-read tells the keys that differ, in key order);
// on_synced runs when the mirror first holds a complete copy and after every re-read. A
// failed read is retried after `retry` (the mirror never gives up while it lives).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/client/store_client.h"
#include "core/env/env.h"

namespace keel::client {

struct MirrorListener {
  // `previous` is nullopt for a new key; `current` is nullopt for a deleted one.
  std::function<void(const std::string& key, const std::optional<kv::KeyValue>& previous,
                     const std::optional<kv::KeyValue>& current)>
      on_change;
  std::function<void()> on_synced;
};

class Mirror {
 public:
  Mirror(Env& env, StoreClient& store, std::string prefix, MirrorListener listener,
         Duration retry = std::chrono::seconds(1));
  ~Mirror();
  Mirror(const Mirror&) = delete;
  Mirror& operator=(const Mirror&) = delete;

  bool synced() const;
  // The store revision the copy is complete up to (0 before the first read).
  kv::Revision revision() const;
  const std::map<std::string, kv::KeyValue, std::less<>>& entries() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keel::client
