// Catalog: every machine's copy of the service announcements under /services/ (schema.h), kept by
// a Mirror (mirror.h: range, then watch; resumes after disconnects and re-reads after compaction),
// decoded into service name -> the records of its units.
//
// Contract:
// - lookup() answers from the local copy: fast, possibly stale by the watch's delay (etcd's
//   serializable read); lookup_linearizable() asks the store with a linearizable range read, for
//   callers that must not act on a withdrawn announcement (etcd's default read).
// - on_change(service) runs after the copy of that service changed (a record added, changed or
//   removed), on the machine's loop.
// - A key or value that does not decode is skipped and counted (undecodable()), never fatal: the
//   store is shared with users who may write anything under /services/.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/client/mirror.h"
#include "core/client/store_client.h"
#include "core/env/env.h"
#include "core/fleet/schema.h"

namespace keel::discovery {

class Catalog {
 public:
  using ChangeListener = std::function<void(const std::string& service)>;
  using LookupDone = std::function<void(Result<std::vector<fleet::ServiceRecord>>)>;

  Catalog(Env& env, client::StoreClient& store, ChangeListener on_change = nullptr);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  bool synced() const { return mirror_.synced(); }
  // The records of `service`, sorted by unit; empty for an unknown service.
  std::vector<fleet::ServiceRecord> lookup(std::string_view service) const;
  // Service names with at least one record, sorted.
  std::vector<std::string> services() const;
  // kInvalidArgument for a name that cannot be a service; the store's error otherwise.
  void lookup_linearizable(std::string_view service, LookupDone done);
  std::uint64_t undecodable() const { return undecodable_; }

 private:
  void changed(const std::string& key, const std::optional<kv::KeyValue>& current);

  client::StoreClient& store_;
  ChangeListener on_change_;
  // service -> unit -> record
  std::map<std::string, std::map<std::string, fleet::ServiceRecord>, std::less<>> services_;
  std::uint64_t undecodable_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  client::Mirror mirror_;  // last: its callbacks use the members above
};

// Decodes the records of a range over one service's prefix; undecodable ones are skipped.
std::vector<fleet::ServiceRecord> decode_services(const std::vector<kv::KeyValue>& kvs,
                                                  std::string_view service);

}  // namespace keel::discovery
