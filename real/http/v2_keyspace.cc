#include "real/http/v2_keyspace.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "core/env/assert.h"

namespace keel::real::http {

std::string clean_path(std::string_view raw) {
  std::vector<std::string_view> segments;
  while (!raw.empty()) {
    const std::size_t slash = raw.find('/');
    const std::string_view segment = raw.substr(0, slash);
    raw = slash == std::string_view::npos ? std::string_view() : raw.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(segment);
  }
  std::string path;
  for (const std::string_view segment : segments) {
    path += '/';
    path += segment;
  }
  return path.empty() ? "/" : path;
}

Bytes node_key(std::string_view path) {
  KEEL_ASSERT(path.size() > 1 && path[0] == '/', "a stored node has a path below the root: ", path);
  Bytes key = kv::to_bytes(kKeysPrefix);
  key.insert(key.end(), path.begin(), path.end());
  return key;
}

Bytes children_prefix(std::string_view path) {
  Bytes prefix = kv::to_bytes(kKeysPrefix);
  if (path != "/") prefix.insert(prefix.end(), path.begin(), path.end());
  prefix.push_back('/');
  return prefix;
}

Bytes children_key(std::string_view dir) {
  Bytes key = kv::to_bytes(kChildrenPrefix);
  key.insert(key.end(), dir.begin(), dir.end());
  return key;
}

Bytes subdirectory_children_prefix(std::string_view dir) {
  Bytes prefix = children_key(dir);
  prefix.push_back('/');
  return prefix;
}

std::optional<std::string> path_of(ByteView key) {
  const std::string text = kv::to_string(key);
  if (!text.starts_with(kKeysPrefix)) return std::nullopt;
  std::string path = text.substr(kKeysPrefix.size());
  if (path.size() < 2 || path[0] != '/') return std::nullopt;
  return path;
}

std::vector<std::string> ancestors(std::string_view path) {
  std::vector<std::string> out;
  for (std::size_t at = path.find('/', 1); at != std::string_view::npos;
       at = path.find('/', at + 1)) {
    out.emplace_back(path.substr(0, at));
  }
  return out;
}

bool is_below(std::string_view path, std::string_view dir) {
  if (dir == "/") return path.size() > 1;
  return path.size() > dir.size() + 1 && path.starts_with(dir) && path[dir.size()] == '/';
}

bool hidden_below(std::string_view path, std::string_view dir) {
  const std::string_view rest = path.substr(dir == "/" ? 0 : dir.size());
  return rest.find("/_") != std::string_view::npos;
}

Bytes encode_node_value(const NodeValue& value) {
  Bytes bytes{static_cast<std::uint8_t>(value.dir ? 'd' : 'f')};
  if (value.expire_ms) {
    const std::string expiry = std::to_string(*value.expire_ms);
    bytes.push_back('@');
    bytes.insert(bytes.end(), expiry.begin(), expiry.end());
  }
  bytes.push_back('\n');
  bytes.insert(bytes.end(), value.data.begin(), value.data.end());
  return bytes;
}

std::optional<NodeValue> decode_node_value(ByteView bytes) {
  const std::string text = kv::to_string(bytes);
  const std::size_t newline = text.find('\n');
  if (newline == std::string::npos || newline == 0) return std::nullopt;
  NodeValue value;
  if (text[0] != 'd' && text[0] != 'f') return std::nullopt;
  value.dir = text[0] == 'd';
  if (newline > 1) {
    if (text[1] != '@') return std::nullopt;
    std::int64_t ms = 0;
    const auto [end, error] = std::from_chars(text.data() + 2, text.data() + newline, ms);
    if (error != std::errc() || end != text.data() + newline) return std::nullopt;
    value.expire_ms = ms;
  }
  value.data = text.substr(newline + 1);
  return value;
}

std::optional<V2Node> to_v2_node(const kv::KeyValue& kv) {
  std::optional<std::string> path = path_of(kv.key);
  std::optional<NodeValue> value = decode_node_value(kv.value);
  if (!path || !value) return std::nullopt;
  V2Node node{std::move(*path), value->dir, std::nullopt, value->expire_ms, kv.create_revision,
              kv.mod_revision,  {}};
  if (!value->dir) node.value = std::move(value->data);
  return node;
}

std::optional<V2Node> V2Reader::find(std::string_view path, kv::Revision revision) const {
  if (path == "/") return V2Node{"/", true, std::nullopt, std::nullopt, 0, 0, {}};
  kv::RangeRequest request;
  request.key = node_key(path);
  request.revision = revision;
  auto found = store_.range(request);
  if (!found || found->kvs.empty()) return std::nullopt;
  return to_v2_node(found->kvs.front());
}

std::expected<V2Node, V2Error> V2Reader::resolve(std::string_view path) const {
  if (std::optional<V2Node> node = find(path)) return *node;
  std::vector<std::string> steps = ancestors(path);
  steps.emplace_back(path);
  for (const std::string& step : steps) {
    const std::optional<V2Node> node = find(step);
    if (!node) return std::unexpected(V2Error{V2Code::kKeyNotFound, step, store_.revision()});
    if (!node->dir) return std::unexpected(V2Error{V2Code::kNotDir, step, store_.revision()});
  }
  return std::unexpected(V2Error{V2Code::kKeyNotFound, std::string(path), store_.revision()});
}

bool V2Reader::has_children(std::string_view path) const {
  kv::RangeRequest request;
  request.key = children_prefix(path);
  request.range_end = kv::prefix_end(request.key);
  request.count_only = true;
  auto found = store_.range(request);
  return found && found->count > 0;
}

void V2Reader::list(V2Node& dir, bool recursive) const {
  kv::RangeRequest request;
  request.key = children_prefix(dir.key);
  request.range_end = kv::prefix_end(request.key);
  auto found = store_.range(request);
  if (!found) return;
  // Nodes by path, then each moved into its parent, deepest first.
  std::map<std::string, V2Node> nodes;
  for (const kv::KeyValue& kv : found->kvs) {
    std::optional<V2Node> node = to_v2_node(kv);
    if (!node || hidden_below(node->key, dir.key)) continue;
    const bool child =
        node->key.find('/', dir.key == "/" ? 1 : dir.key.size() + 1) == std::string::npos;
    if (child || recursive) nodes.emplace(node->key, std::move(*node));
  }
  std::vector<std::string> deepest_first;
  for (const auto& [path, node] : nodes) deepest_first.push_back(path);
  std::stable_sort(
      deepest_first.begin(), deepest_first.end(), [](const std::string& a, const std::string& b) {
        return std::count(a.begin(), a.end(), '/') > std::count(b.begin(), b.end(), '/');
      });
  for (const std::string& path : deepest_first) {
    const std::string parent = path.substr(0, std::max<std::size_t>(path.rfind('/'), 1));
    V2Node& node = nodes.at(path);
    std::sort(node.nodes.begin(), node.nodes.end(),
              [](const V2Node& a, const V2Node& b) { return a.key < b.key; });
    if (parent == dir.key) {
      dir.nodes.push_back(std::move(node));
    } else if (auto it = nodes.find(parent); it != nodes.end()) {
      it->second.nodes.push_back(std::move(node));
    }
  }
  std::sort(dir.nodes.begin(), dir.nodes.end(),
            [](const V2Node& a, const V2Node& b) { return a.key < b.key; });
}

std::optional<std::pair<std::string, std::string>> V2Reader::action_at(
    kv::Revision revision) const {
  kv::RangeRequest request;
  request.key = kv::to_bytes(kActionKey);
  request.revision = revision;
  auto found = store_.range(request);
  if (!found || found->kvs.empty() || found->kvs.front().mod_revision != revision) {
    return std::nullopt;
  }
  const std::string text = kv::to_string(found->kvs.front().value);
  const std::size_t space = text.find(' ');
  if (space == std::string::npos) return std::nullopt;
  return std::make_pair(text.substr(0, space), text.substr(space + 1));
}

kv::Revision V2Reader::children_revision(std::string_view dir) const {
  kv::RangeRequest request;
  request.key = children_key(dir);
  auto found = store_.range(request);
  return found && !found->kvs.empty() ? found->kvs.front().mod_revision : 0;
}

}  // namespace keel::real::http
