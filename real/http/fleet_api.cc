#include "real/http/fleet_api.h"

#include "core/env/str.h"
#include "core/fleet/commands.h"
#include "real/http/fleet_json.h"
#include "real/http/fleet_state.h"
#include "real/http/form.h"

namespace keel::real::http {
namespace {

namespace beast_http = boost::beast::http;

constexpr std::string_view kUnitsPath = "/fleet/v1/units";
constexpr std::string_view kUnitPrefix = "/fleet/v1/units/";
constexpr std::string_view kMachinesPath = "/fleet/v1/machines";
constexpr std::string_view kStatePath = "/fleet/v1/state";
constexpr std::string_view kServicePrefix = "/v1/services/";

Response json_response(unsigned status, std::string body) {
  return make_response(static_cast<beast_http::status>(status), std::move(body));
}

void respond_no_content(const std::shared_ptr<Exchange>& exchange) {
  exchange->respond(make_response(beast_http::status::no_content, ""));
}

void method_not_allowed(const std::shared_ptr<Exchange>& exchange, std::string_view allow) {
  Response response =
      json_response(405, fleet_error_json(405, str("method not allowed here; allowed: ", allow)));
  response.set(beast_http::field::allow, boost::beast::string_view(allow.data(), allow.size()));
  exchange->respond(std::move(response));
}

bool is_get(const Request& request) {
  return request.method() == beast_http::verb::get || request.method() == beast_http::verb::head;
}

// The path component after `prefix`, percent-decoded; an error when it is empty or nested.
Result<std::string> last_component(const Request& request, std::string_view prefix) {
  const std::string_view path = target_path(target_of(request));
  std::string_view rest = path.substr(std::min(prefix.size(), path.size()));
  if (rest.empty() || rest.find('/') != std::string_view::npos) {
    return fail(Errc::kNotFound, str("no such resource: ", path));
  }
  return percent_decode(rest, false);
}

// A linearizable range over `prefix`; `done` gets its key-values, or an error when the store
// failed or the range holds more than one answer may carry.
void read_prefix(client::StoreClient& store, std::string_view prefix,
                 std::function<void(Result<std::vector<kv::KeyValue>>)> done) {
  kv::RangeRequest range;
  range.key = kv::to_bytes(prefix);
  range.range_end = kv::prefix_end(range.key);
  store.call(std::move(range),
             [prefix = std::string(prefix), done = std::move(done)](Result<kv::Response> response) {
               if (!response) return done(std::unexpected(response.error()));
               auto& answer = std::get<kv::RangeResponse>(response->result);
               if (answer.more) {
                 return done(fail(Errc::kLimitExceeded,
                                  str("more records under ", prefix, " than one read returns (",
                                      answer.kvs.size(), " of ", answer.count, ")")));
               }
               done(std::move(answer.kvs));
             });
}

}  // namespace

void respond_fleet_error(const std::shared_ptr<Exchange>& exchange, const Error& error) {
  const unsigned status = fleet_http_status(error.code);
  exchange->respond(json_response(status, fleet_error_json(status, error.message)));
}

void FleetApi::add_routes(Router& router) {
  router.exact(std::string(kUnitsPath), [this](const std::shared_ptr<Exchange>& exchange) {
    if (!is_get(exchange->request())) return method_not_allowed(exchange, "GET, HEAD");
    list_units(exchange);
  });
  router.prefix(std::string(kUnitPrefix), [this](const std::shared_ptr<Exchange>& exchange) {
    auto name = last_component(exchange->request(), kUnitPrefix);
    if (!name) return respond_fleet_error(exchange, name.error());
    unit(exchange, *name);
  });
  router.exact(std::string(kMachinesPath), [this](const std::shared_ptr<Exchange>& exchange) {
    if (!is_get(exchange->request())) return method_not_allowed(exchange, "GET, HEAD");
    list_machines(exchange);
  });
  router.exact(std::string(kStatePath), [this](const std::shared_ptr<Exchange>& exchange) {
    if (!is_get(exchange->request())) return method_not_allowed(exchange, "GET, HEAD");
    list_states(exchange);
  });
  router.prefix(std::string(kServicePrefix), [this](const std::shared_ptr<Exchange>& exchange) {
    if (!is_get(exchange->request())) return method_not_allowed(exchange, "GET, HEAD");
    auto name = last_component(exchange->request(), kServicePrefix);
    if (!name) return respond_fleet_error(exchange, name.error());
    service(exchange, *name);
  });
}

void FleetApi::list_units(const std::shared_ptr<Exchange>& exchange) {
  read_prefix(store_, fleet::kFleetPrefix, [exchange](Result<std::vector<kv::KeyValue>> kvs) {
    if (!kvs) return respond_fleet_error(exchange, kvs.error());
    exchange->respond(json_response(200, units_json(fleet::list_units(*kvs))));
  });
}

void FleetApi::list_states(const std::shared_ptr<Exchange>& exchange) {
  auto form = Form::parse(exchange->request());
  if (!form) return respond_fleet_error(exchange, form.error());
  auto filter = parse_state_filter(*form);
  if (!filter) return respond_fleet_error(exchange, filter.error());
  read_prefix(store_, fleet::kFleetPrefix,
              [exchange, filter = *filter](Result<std::vector<kv::KeyValue>> kvs) {
                if (!kvs) return respond_fleet_error(exchange, kvs.error());
                const auto states = unit_states(fleet::list_units(*kvs), filter);
                exchange->respond(json_response(200, states_json(states)));
              });
}

void FleetApi::list_machines(const std::shared_ptr<Exchange>& exchange) {
  read_prefix(store_, fleet::kMachinesPrefix, [exchange](Result<std::vector<kv::KeyValue>> kvs) {
    if (!kvs) return respond_fleet_error(exchange, kvs.error());
    std::vector<fleet::MachineRecord> machines;
    for (const kv::KeyValue& kv : *kvs) {
      // A record that does not decode is not a machine Keel wrote; users may write anything.
      if (auto machine = fleet::decode_machine(kv::to_string(kv.value))) {
        machines.push_back(std::move(*machine));
      }
    }
    exchange->respond(json_response(200, machines_json(machines)));
  });
}

void FleetApi::unit(const std::shared_ptr<Exchange>& exchange, std::string_view name) {
  const auto method = exchange->request().method();
  if (method == beast_http::verb::put) return put_unit(exchange, name);
  if (method != beast_http::verb::delete_) return method_not_allowed(exchange, "PUT, DELETE");
  fleet::destroy_unit(store_, name, [exchange](Status done) {
    if (!done) return respond_fleet_error(exchange, done.error());
    respond_no_content(exchange);
  });
}

void FleetApi::put_unit(const std::shared_ptr<Exchange>& exchange, std::string_view name) {
  auto put = parse_unit_put(exchange->request().body());
  if (!put) return respond_fleet_error(exchange, put.error());
  auto set_state = [this, exchange, name = std::string(name), desired = put->desired]() {
    if (!desired) return respond_no_content(exchange);
    auto done = [exchange](Status set) {
      if (!set) return respond_fleet_error(exchange, set.error());
      respond_no_content(exchange);
    };
    switch (*desired) {
      case fleet::DesiredState::kInactive:
        return fleet::unload_unit(store_, name, std::move(done));
      case fleet::DesiredState::kLoaded:
        return fleet::load_unit(store_, name, std::move(done));
      case fleet::DesiredState::kLaunched:
        return fleet::start_unit(store_, name, std::move(done));
    }
  };
  if (!put->file) return set_state();
  fleet::submit_unit(store_, name, *put->file,
                     [exchange, set_state = std::move(set_state)](Status submitted) {
                       if (!submitted) return respond_fleet_error(exchange, submitted.error());
                       set_state();
                     });
}

void FleetApi::service(const std::shared_ptr<Exchange>& exchange, std::string_view name) {
  auto form = Form::parse(exchange->request());
  if (!form) return respond_fleet_error(exchange, form.error());
  const auto consistent = form->get("consistent");
  if (consistent && *consistent != "true" && *consistent != "false") {
    return respond_fleet_error(
        exchange, Error{Errc::kInvalidArgument,
                        str("consistent: expected true or false, got '", *consistent, "'")});
  }
  if (consistent != "true") {
    return exchange->respond(json_response(200, service_json(name, catalog_.lookup(name))));
  }
  catalog_.lookup_linearizable(
      name, [exchange, name = std::string(name)](Result<std::vector<fleet::ServiceRecord>> got) {
        if (!got) return respond_fleet_error(exchange, got.error());
        exchange->respond(json_response(200, service_json(name, *got)));
      });
}

}  // namespace keel::real::http
