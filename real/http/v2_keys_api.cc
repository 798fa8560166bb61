#include "real/http/v2_keys_api.h"

#include <charconv>
#include <chrono>

#include "core/env/str.h"
#include "real/http/router.h"
#include "real/http/v2_json.h"
#include "real/posix_env.h"

namespace keel::real::http {

namespace beast_http = boost::beast::http;

namespace {

constexpr std::string_view kKeysRoute = "/v2/keys";

// Go's strconv.ParseBool, which etcd uses for its flags.
std::optional<bool> parse_bool(std::string_view text) {
  if (text == "1" || text == "t" || text == "T" || text == "TRUE" || text == "true" ||
      text == "True") {
    return true;
  }
  if (text == "0" || text == "f" || text == "F" || text == "FALSE" || text == "false" ||
      text == "False") {
    return false;
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

}  // namespace

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct V2KeysApi::PendingWrite {
  std::shared_ptr<Exchange> exchange;
  V2Write write;
  kv::LeaseId lease = 0;
  int attempts = 0;
};

V2KeysApi::V2KeysApi(boost::asio::io_context& io, KvBackend& backend, std::uint64_t cluster_id)
    : backend_(backend), cluster_id_(cluster_id), random_(seed_from_os()), waits_(io, backend) {}

V2KeysApi::~V2KeysApi() { *alive_ = false; }

std::uint64_t V2KeysApi::fresh_client() {
  std::uint64_t id = 0;
  while (id == 0) id = random_.next();
  return id;
}

void V2KeysApi::respond(const std::shared_ptr<Exchange>& exchange, unsigned status,
                        std::string body, kv::Revision index) const {
  Response response = make_response(static_cast<beast_http::status>(status), std::move(body));
  response.set("X-Etcd-Cluster-Id", str(std::hex, cluster_id_));
  response.set("X-Etcd-Index", std::to_string(index));
  response.set("X-Raft-Index", std::to_string(backend_.raft_index()));
  response.set("X-Raft-Term", std::to_string(backend_.raft_term()));
  exchange->respond(std::move(response));
}

void V2KeysApi::respond_error(const std::shared_ptr<Exchange>& exchange,
                              const V2Error& error) const {
  respond(exchange, v2_http_status(error.code), v2_error_json(error), error.index);
}

V2Error V2KeysApi::raft_error(const Error& error) const {
  return V2Error{V2Code::kRaftInternal, error.message, backend_.store().revision()};
}

void V2KeysApi::handle(const std::shared_ptr<Exchange>& exchange) {
  const Request& request = exchange->request();
  const std::string_view raw_path = target_path(target_of(request)).substr(kKeysRoute.size());
  auto decoded = percent_decode(raw_path, false);
  auto form = Form::parse(request);
  const kv::Revision now = backend_.store().revision();
  if (!decoded || !form) {
    const Error& bad = decoded ? form.error() : decoded.error();
    return respond_error(exchange, V2Error{V2Code::kInvalidForm, bad.message, now});
  }
  const std::string path = clean_path(*decoded);
  // Flags, checked as etcd checks them before anything is read.
  std::map<std::string, bool> flags;
  for (const char* name : {"recursive", "sorted", "wait", "quorum", "dir", "refresh", "stream"}) {
    const std::optional<std::string> text = form->get(name);
    if (!text) continue;
    const std::optional<bool> flag = parse_bool(*text);
    if (!flag) {
      return respond_error(
          exchange, V2Error{V2Code::kInvalidField, str("invalid value for \"", name, "\""), now});
    }
    flags[name] = *flag;
  }
  switch (request.method()) {
    case beast_http::verb::get:
    case beast_http::verb::head:
      return get(exchange, *form, path);
    case beast_http::verb::put:
    case beast_http::verb::post:
    case beast_http::verb::delete_: {
      V2Write write;
      write.kind = request.method() == beast_http::verb::put    ? V2Write::Kind::kPut
                   : request.method() == beast_http::verb::post ? V2Write::Kind::kPost
                                                                : V2Write::Kind::kDelete;
      write.path = path;
      write.dir = flags["dir"];
      write.recursive = flags["recursive"];
      write.refresh = flags["refresh"];
      return this->write(exchange, *form, std::move(write));
    }
    default: {
      Response response = make_response(beast_http::status::method_not_allowed,
                                        "Method Not Allowed\n", "text/plain; charset=utf-8");
      response.set(beast_http::field::allow, "GET, HEAD, POST, PUT, DELETE");
      exchange->respond(std::move(response));
    }
  }
}

void V2KeysApi::get(const std::shared_ptr<Exchange>& exchange, const Form& form,
                    const std::string& path) {
  if (parse_bool(form.get("wait").value_or("")).value_or(false)) {
    return wait(exchange, form, path);
  }
  const bool recursive = parse_bool(form.get("recursive").value_or("")).value_or(false);
  if (!parse_bool(form.get("quorum").value_or("")).value_or(false)) {
    return answer_get(exchange, path, recursive);
  }
  barrier(exchange, [this, exchange, path, recursive] { answer_get(exchange, path, recursive); });
}

void V2KeysApi::answer_get(const std::shared_ptr<Exchange>& exchange, const std::string& path,
                           bool recursive) {
  const V2Reader reader(backend_.store());
  const kv::Revision index = backend_.store().revision();
  auto node = reader.resolve(path);
  if (!node) return respond_error(exchange, node.error());
  if (node->dir) reader.list(*node, recursive);
  respond(exchange, 200, v2_event_json("get", *node, std::nullopt, unix_now_ms()), index);
}

void V2KeysApi::wait(const std::shared_ptr<Exchange>& exchange, const Form& form,
                     const std::string& path) {
  const kv::Revision now = backend_.store().revision();
  kv::Revision from = 0;
  if (const std::optional<std::string> text = form.get("waitIndex")) {
    const std::optional<std::int64_t> index = parse_int(*text);
    if (!index || *index < 0) {
      return respond_error(exchange,
                           V2Error{V2Code::kIndexNaN, "invalid value for \"waitIndex\"", now});
    }
    from = *index;
  }
  const bool recursive = parse_bool(form.get("recursive").value_or("")).value_or(false);
  std::weak_ptr<bool> alive = alive_;
  auto started = waits_.start(
      path, recursive, from, [this, alive, exchange, now](std::expected<V2Event, V2Error> outcome) {
        if (alive.expired()) return;
        if (!outcome) return respond_error(exchange, outcome.error());
        respond(exchange, 200,
                v2_event_json(outcome->action, outcome->node, outcome->prev_node, unix_now_ms()),
                now);
      });
  if (!started) return respond_error(exchange, started.error());
  exchange->on_abort([this, alive, id = *started] {
    if (!alive.expired()) waits_.cancel(id);
  });
}

void V2KeysApi::write(const std::shared_ptr<Exchange>& exchange, const Form& form, V2Write write) {
  const kv::Revision now = backend_.store().revision();
  auto bad = [&](V2Code code, std::string cause = {}) {
    respond_error(exchange, V2Error{code, std::move(cause), now});
  };
  write.value = form.get("value");
  write.prev_value = form.get("prevValue");
  if (write.prev_value && write.prev_value->empty())
    return bad(V2Code::kPrevValueRequired, "\"prevValue\" cannot be empty");
  if (const std::optional<std::string> text = form.get("prevIndex")) {
    const std::optional<std::int64_t> index = parse_int(*text);
    if (!index || *index < 0) return bad(V2Code::kIndexNaN, "invalid value for \"prevIndex\"");
    if (*index != 0) write.prev_index = *index;  // etcd: 0 is no condition
  }
  if (const std::optional<std::string> text = form.get("prevExist")) {
    write.prev_exist = parse_bool(*text);
    if (!write.prev_exist) return bad(V2Code::kInvalidField, "invalid value for prevExist");
  }
  std::optional<std::int64_t> ttl;
  if (const std::optional<std::string> text = form.get("ttl"); text && !text->empty()) {
    ttl = parse_int(*text);
    if (!ttl || *ttl < 0) return bad(V2Code::kTtlNaN, "invalid value for \"ttl\"");
  }
  if (write.refresh) {
    if (write.value && !write.value->empty())
      return bad(V2Code::kRefreshValue, "A value was provided on a refresh");
    if (!ttl) return bad(V2Code::kRefreshTtlRequired, "No TTL value set");
  }
  auto pending = std::make_shared<PendingWrite>(PendingWrite{exchange, std::move(write), 0, 0});
  if (!ttl || *ttl == 0) return attempt(pending);
  kv::Request grant{fresh_client(), 1, kv::LeaseGrantRequest{*ttl, 0}};
  std::weak_ptr<bool> alive = alive_;
  backend_.submit(
      std::move(grant),
      [this, alive, pending](Result<kv::Response> granted) {
        if (alive.expired()) return;
        if (!granted) return respond_error(pending->exchange, raft_error(granted.error()));
        const auto& lease = std::get<kv::LeaseGrantResponse>(granted->result);
        pending->lease = lease.id;
        pending->write.expire_ms = unix_now_ms() + lease.ttl * 1000;
        attempt(pending);
      },
      node::ReadMode::kLinearizable);
}

void V2KeysApi::barrier(const std::shared_ptr<Exchange>& exchange, std::function<void()> then) {
  kv::Request read{0, 0, kv::RangeRequest{kv::to_bytes(kActionKey), {}, 1, 0, true, false}};
  std::weak_ptr<bool> alive = alive_;
  backend_.submit(
      std::move(read),
      [this, alive, exchange, then = std::move(then)](Result<kv::Response> read_done) {
        if (alive.expired() || exchange->done()) return;
        if (!read_done) return respond_error(exchange, raft_error(read_done.error()));
        then();
      },
      node::ReadMode::kLinearizable);
}

void V2KeysApi::attempt(const std::shared_ptr<PendingWrite>& pending) {
  barrier(pending->exchange, [this, pending] {
    auto plan = plan_v2_write(pending->write, backend_.store(), pending->lease);
    if (!plan) return respond_error(pending->exchange, plan.error());
    commit(pending, std::move(*plan));
  });
}

void V2KeysApi::commit(const std::shared_ptr<PendingWrite>& pending, V2WritePlan plan) {
  kv::Request request{fresh_client(), 1, plan.txn};
  std::weak_ptr<bool> alive = alive_;
  auto shared_plan = std::make_shared<V2WritePlan>(std::move(plan));
  backend_.submit(
      std::move(request),
      [this, alive, pending, shared_plan](Result<kv::Response> done) {
        if (alive.expired()) return;
        if (!done) return respond_error(pending->exchange, raft_error(done.error()));
        if (!std::get<kv::TxnResponse>(done->result).succeeded) {
          if (++pending->attempts < kMaxAttempts) {
            ++replans_;
            return attempt(pending);
          }
          return respond_error(
              pending->exchange,
              raft_error(Error{Errc::kUnavailable, str("the write lost to concurrent writes ",
                                                       kMaxAttempts, " times; retry")}));
        }
        V2Node& node = shared_plan->node;
        node.modified = done->revision;
        if (node.created == 0) node.created = done->revision;
        respond(pending->exchange, shared_plan->created ? 201 : 200,
                v2_event_json(shared_plan->action, node, shared_plan->prev_node, unix_now_ms()),
                done->revision);
      },
      node::ReadMode::kLinearizable);
}

}  // namespace keel::real::http
