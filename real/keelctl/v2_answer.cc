#include "real/keelctl/v2_answer.h"

#include <boost/property_tree/ptree.hpp>

#include "core/env/str.h"
#include "real/keelctl/json_answer.h"

namespace keel::real::keelctl {
namespace {

using boost::property_tree::ptree;

Result<std::uint64_t> number(const ptree& tree, std::string_view field) {
  const auto value = tree.get_optional<std::uint64_t>(std::string(field));
  if (!value) return fail(Errc::kCorrupt, str("the answer lacks a numeric \"", field, "\""));
  return *value;
}

std::vector<std::string> strings(const ptree& tree, std::string_view field) {
  std::vector<std::string> out;
  if (const auto array = tree.get_child_optional(std::string(field))) {
    for (const auto& [ignored, element] : *array) out.push_back(element.data());
  }
  return out;
}

Result<V2Node> parse_node(const ptree& tree) {
  if (tree.empty()) return fail(Errc::kCorrupt, "a node of the answer is not a JSON object");
  V2Node node;
  node.key = tree.get<std::string>("key", "");
  node.dir = tree.get<bool>("dir", false);
  if (const auto value = tree.get_optional<std::string>("value")) node.value = *value;
  node.created_index = tree.get<std::uint64_t>("createdIndex", 0);
  node.modified_index = tree.get<std::uint64_t>("modifiedIndex", 0);
  if (const auto ttl = tree.get_optional<std::int64_t>("ttl")) node.ttl = *ttl;
  if (const auto children = tree.get_child_optional("nodes")) {
    for (const auto& [ignored, child] : *children) {
      auto parsed = parse_node(child);
      if (!parsed) return std::unexpected(parsed.error());
      node.nodes.push_back(std::move(*parsed));
    }
  }
  return node;
}

}  // namespace

std::string describe(const V2Error& error) {
  return str(error.code, ": ", error.message, " (", error.cause, ") [", error.index, "]");
}

Result<V2Event> parse_v2_event(std::string_view body) {
  auto tree = parse_json(body);
  if (!tree) return std::unexpected(tree.error());
  V2Event event;
  event.action = tree->get<std::string>("action", "");
  const auto node = tree->get_child_optional("node");
  if (event.action.empty() || !node) {
    return fail(Errc::kCorrupt, "the answer lacks its \"action\" or \"node\"");
  }
  auto parsed = parse_node(*node);
  if (!parsed) return std::unexpected(parsed.error());
  event.node = std::move(*parsed);
  if (const auto prev = tree->get_child_optional("prevNode")) {
    auto parsed_prev = parse_node(*prev);
    if (!parsed_prev) return std::unexpected(parsed_prev.error());
    event.prev_node = std::move(*parsed_prev);
  }
  return event;
}

Result<V2Error> parse_v2_error(std::string_view body) {
  auto tree = parse_json(body);
  if (!tree) return std::unexpected(tree.error());
  auto code = number(*tree, "errorCode");
  if (!code) return std::unexpected(code.error());
  return V2Error{.code = static_cast<int>(*code),
                 .message = tree->get<std::string>("message", ""),
                 .cause = tree->get<std::string>("cause", ""),
                 .index = tree->get<std::uint64_t>("index", 0)};
}

Result<std::vector<V2Member>> parse_v2_members(std::string_view body) {
  auto tree = parse_json(body);
  if (!tree) return std::unexpected(tree.error());
  const auto members = tree->get_child_optional("members");
  if (!members) return fail(Errc::kCorrupt, "the answer lacks its \"members\"");
  std::vector<V2Member> out;
  for (const auto& [ignored, member] : *members) {
    out.push_back(V2Member{.id = member.get<std::string>("id", ""),
                           .name = member.get<std::string>("name", ""),
                           .peer_urls = strings(member, "peerURLs"),
                           .client_urls = strings(member, "clientURLs")});
  }
  return out;
}

}  // namespace keel::real::keelctl
