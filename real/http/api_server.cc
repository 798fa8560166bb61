#include "real/http/api_server.h"

#include "core/env/str.h"
#include "core/node/member_attributes.h"
#include "real/http/journal_api.h"
#include "real/http/json_writer.h"

namespace keel::real::http {

namespace beast_http = boost::beast::http;

namespace {

void write_strings(JsonWriter& json, const std::vector<std::string>& texts) {
  json.begin_array();
  for (const std::string& text : texts) json.value(text);
  json.end_array();
}

bool is_get(const Request& request) {
  return request.method() == beast_http::verb::get || request.method() == beast_http::verb::head;
}

Response method_not_allowed() {
  Response response = make_response(beast_http::status::method_not_allowed, "Method Not Allowed\n",
                                    "text/plain; charset=utf-8");
  response.set(beast_http::field::allow, "GET, HEAD");
  return response;
}

}  // namespace

std::string members_json(const std::vector<ApiMember>& members) {
  JsonWriter json;
  json.begin_object().key("members").begin_array();
  for (const ApiMember& member : members) {
    json.begin_object().key("id").value(str(std::hex, member.id)).key("name").value(member.name);
    write_strings(json.key("peerURLs"), member.peer_urls);
    write_strings(json.key("clientURLs"), member.client_urls);
    json.end_object();
  }
  json.end_array().end_object();
  return json.text() + "\n";
}

ApiServer::ApiServer(boost::asio::io_context& io, KvBackend& backend, ApiServerOptions options)
    : backend_(backend),
      options_(std::move(options)),
      keys_(io, backend, options_.cluster_id),
      http_(io, options_.listen, options_.limits) {
  add_routes();
}

ApiServer::~ApiServer() { http_.stop(); }

void ApiServer::add_routes() {
  Router& router = http_.router();
  router.prefix("/v2/keys/",
                [this](const std::shared_ptr<Exchange>& exchange) { keys_.handle(exchange); });
  router.exact("/v2/members", [this](const std::shared_ptr<Exchange>& exchange) {
    if (!is_get(exchange->request())) return exchange->respond(method_not_allowed());
    // Other members' client URLs come from what they published in the store (member_attributes.h).
    std::vector<ApiMember> members = options_.members;
    for (ApiMember& member : members) {
      if (!member.client_urls.empty()) continue;
      if (auto url = node::published_client_url(backend_.store(), member.name)) {
        member.client_urls.push_back(*url);
      }
    }
    Response response = make_response(beast_http::status::ok, members_json(members));
    response.set("X-Etcd-Cluster-Id", str(std::hex, options_.cluster_id));
    exchange->respond(std::move(response));
  });
  router.exact("/version", [](const std::shared_ptr<Exchange>& exchange) {
    if (!is_get(exchange->request())) return exchange->respond(method_not_allowed());
    exchange->respond(make_response(beast_http::status::ok,
                                    "{\"etcdserver\":\"3.4.0-keel\",\"etcdcluster\":\"3.4.0\"}"));
  });
  router.exact("/health", [this](const std::shared_ptr<Exchange>& exchange) {
    if (!is_get(exchange->request())) return exchange->respond(method_not_allowed());
    const bool healthy = backend_.has_leader();
    exchange->respond(
        make_response(healthy ? beast_http::status::ok : beast_http::status::service_unavailable,
                      healthy ? "{\"health\":\"true\"}" : "{\"health\":\"false\"}"));
  });
  if (options_.fleet != nullptr) options_.fleet->add_routes(router);
  if (!options_.journal_log_dir.empty()) add_journal_route(router, options_.journal_log_dir);
  if (!options_.metrics) return;
  router.exact("/metrics", [this](const std::shared_ptr<Exchange>& exchange) {
    if (!is_get(exchange->request())) return exchange->respond(method_not_allowed());
    exchange->respond(make_response(beast_http::status::ok, options_.metrics(),
                                    "text/plain; version=0.0.4; charset=utf-8"));
  });
}

}  // namespace keel::real::http
