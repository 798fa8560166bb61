#include "real/http/v2_json.h"

#include <chrono>

#include "core/env/str.h"

namespace keel::real::http {

std::string rfc3339_nano(std::int64_t unix_ms) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(unix_ms)));
  const year_month_day date(day);
  const std::int64_t in_day = unix_ms - duration_cast<milliseconds>(day.time_since_epoch()).count();
  const std::int64_t seconds = in_day / 1000;
  const std::int64_t millis = in_day % 1000;
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02uT%02lld:%02lld:%02lld",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long long>(seconds / 3600),
                static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  std::string out = text;
  if (millis != 0) {
    std::snprintf(text, sizeof(text), ".%03lld", static_cast<long long>(millis));
    std::string fraction = text;
    while (fraction.back() == '0') fraction.pop_back();
    out += fraction;
  }
  return out + "Z";
}

void write_v2_node(JsonWriter& json, const V2Node& node, std::int64_t now_ms) {
  json.begin_object();
  if (node.key != "/") json.key("key").value(node.key);
  if (node.value) json.key("value").value(*node.value);
  if (node.dir) json.key("dir").value(true);
  if (node.expire_ms) {
    json.key("expiration").value(rfc3339_nano(*node.expire_ms));
    const std::int64_t left_ms = *node.expire_ms - now_ms;
    const std::int64_t ttl = left_ms <= 0 ? 0 : (left_ms + 999) / 1000;
    if (ttl != 0) json.key("ttl").value(ttl);
  }
  if (!node.nodes.empty()) {
    json.key("nodes").begin_array();
    for (const V2Node& child : node.nodes) write_v2_node(json, child, now_ms);
    json.end_array();
  }
  if (node.modified != 0) json.key("modifiedIndex").value(node.modified);
  if (node.created != 0) json.key("createdIndex").value(node.created);
  json.end_object();
}

std::string v2_event_json(std::string_view action, const std::optional<V2Node>& node,
                          const std::optional<V2Node>& prev_node, std::int64_t now_ms) {
  JsonWriter json;
  json.begin_object().key("action").value(action);
  if (node) write_v2_node(json.key("node"), *node, now_ms);
  if (prev_node) write_v2_node(json.key("prevNode"), *prev_node, now_ms);
  json.end_object();
  return json.text() + "\n";
}

std::string v2_error_json(const V2Error& error) {
  JsonWriter json;
  json.begin_object()
      .key("errorCode")
      .value(static_cast<std::int64_t>(error.code))
      .key("message")
      .value(v2_message(error.code));
  if (!error.cause.empty()) json.key("cause").value(error.cause);
  json.key("index").value(error.index).end_object();
  return json.text() + "\n";
}

}  // namespace keel::real::http
