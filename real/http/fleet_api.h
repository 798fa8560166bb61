// FleetApi: keeld's fleet HTTP API (fleet's API v1 routes; JSON shapes in fleet_json.h), served
// on a member over its own store client and service catalog:
//   GET    /fleet/v1/units            list-units: a linearizable read of /fleet/ (commands.h)
//   PUT    /fleet/v1/units/<unit>     {"file": ...} submits, {"desiredState": ...} then sets the
//                                     desired state (load/start/stop/unload); 204 when done
//   DELETE /fleet/v1/units/<unit>     destroy; 204
//   GET    /fleet/v1/machines         the machines present (/fleet/machines/), linearizable
//   GET    /fleet/v1/state            the units' reported states, ?machineID= ?unitName=
//                                     (fleet_state.h), linearizable
//   GET    /v1/services/<service>     the local catalog's records (possibly stale, etcd's
//                                     serializable read); ?consistent=true asks the store
// Errors are {"error":{"code":..,"message":..}} with the status of fleet_http_status(). Other
// methods are 405 with Allow. Everything runs on the member's loop.
#pragma once

#include <memory>
#include <string_view>

#include "core/client/store_client.h"
#include "core/discovery/catalog.h"
#include "core/env/error.h"
#include "real/http/router.h"

namespace keel::real::http {

class FleetApi {
 public:
  // `store` and `catalog` outlive the api, and the answers it has pending.
  FleetApi(client::StoreClient& store, discovery::Catalog& catalog)
      : store_(store), catalog_(catalog) {}
  FleetApi(const FleetApi&) = delete;
  FleetApi& operator=(const FleetApi&) = delete;

  void add_routes(Router& router);

 private:
  void list_units(const std::shared_ptr<Exchange>& exchange);
  void list_machines(const std::shared_ptr<Exchange>& exchange);
  void list_states(const std::shared_ptr<Exchange>& exchange);
  void unit(const std::shared_ptr<Exchange>& exchange, std::string_view name);
  void put_unit(const std::shared_ptr<Exchange>& exchange, std::string_view name);
  void service(const std::shared_ptr<Exchange>& exchange, std::string_view name);

  client::StoreClient& store_;
  discovery::Catalog& catalog_;
};

// Answers `exchange` with the JSON error of `error`.
void respond_fleet_error(const std::shared_ptr<Exchange>& exchange, const Error& error);

}  // namespace keel::real::http
