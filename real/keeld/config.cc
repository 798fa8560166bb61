#include "real/keeld/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <optional>
#include <set>

#include "core/env/str.h"

namespace keel::real::keeld {
namespace {

// A setting as given, before it is interpreted: its text (maps from the file flattened to
// "k=v,k=v", the flag syntax) and where it came from, for error messages.
struct Setting {
  std::string text;
  std::string origin;  // "--name" or "keeld.yaml:3:7: name"
};
using Settings = std::map<std::string, Setting, std::less<>>;

constexpr std::string_view kKeys[] = {"name",           "data-dir",
                                      "cluster-id",     "initial-cluster",
                                      "listen-peer",    "listen-client",
                                      "role",           "workers",
                                      "metadata",       "capacity",
                                      "advertise-ip",   "lease-ttl",
                                      "snapshot-count", "snapshot-catchup-entries",
                                      "log-format"};
// Keys that the file may give as a YAML map.
constexpr std::string_view kMapKeys[] = {"initial-cluster", "workers", "metadata", "capacity"};

bool is_key(std::string_view key) { return std::ranges::find(kKeys, key) != std::end(kKeys); }
bool is_map_key(std::string_view key) {
  return std::ranges::find(kMapKeys, key) != std::end(kMapKeys);
}

std::unexpected<Error> bad(std::string_view origin, std::string_view expected,
                           std::string_view got) {
  return fail(Errc::kInvalidArgument, str(origin, ": expected ", expected, ", got '", got, "'"));
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// "k=v,k=v" as pairs, in order; empty text is no pairs.
Result<std::vector<std::pair<std::string_view, std::string_view>>> split_pairs(
    std::string_view text, std::string_view origin, std::string_view expected) {
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  if (text.empty()) return pairs;
  for (std::string_view item : split(text, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size()) {
      return bad(origin, expected, item);
    }
    pairs.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return pairs;
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    base = 16;
    text.remove_prefix(2);
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// A whole decimal number (no sign, no 0x prefix) from `low` to `high`.
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t low,
                                           std::uint64_t high) {
  if (text.starts_with("0x") || text.starts_with("0X")) return std::nullopt;
  const auto value = parse_u64(text);
  if (!value || *value < low || *value > high) return std::nullopt;
  return value;
}

Result<Endpoint> parse_listen(std::string_view text, std::string_view origin) {
  const std::string spelled = text.starts_with(':') ? str("0.0.0.0", text) : std::string(text);
  auto endpoint = parse_endpoint(spelled);
  if (!endpoint) {
    return bad(origin,
               "an address IP:PORT, [IPv6]:PORT or :PORT (" + endpoint.error().message + ")", text);
  }
  return endpoint;
}

Result<std::vector<Member>> parse_members(std::string_view text, std::string_view origin) {
  constexpr std::string_view kExpected = "members as nK=IP:PORT,... (n1=127.0.0.1:2380)";
  auto pairs = split_pairs(text, origin, kExpected);
  if (!pairs) return std::unexpected(pairs.error());
  if (pairs->empty()) return bad(origin, kExpected, text);
  if (pairs->size() > kMaxMembers) {
    return fail(Errc::kInvalidArgument,
                str(origin, ": ", pairs->size(), " members, at most ", kMaxMembers));
  }
  std::vector<Member> members;
  for (const auto& [name, address] : *pairs) {
    auto id = node_id_from_name(name, origin);
    if (!id) return std::unexpected(id.error());
    auto peer = parse_endpoint(address);
    if (!peer || peer->port == 0) {
      return bad(origin, str("a peer address IP:PORT with a non-zero port for ", name), address);
    }
    for (const Member& other : members) {
      if (other.id == *id) {
        return fail(Errc::kInvalidArgument, str(origin, ": member ", name, " is listed twice"));
      }
      if (other.peer == *peer) {
        return fail(Errc::kInvalidArgument, str(origin, ": members ", other.name, " and ", name,
                                                " share the address ", address));
      }
    }
    members.push_back(Member{std::string(name), *id, *peer});
  }
  std::ranges::sort(members, {}, &Member::id);
  return members;
}

bool is_metadata_key(std::string_view key) {
  return std::ranges::all_of(key, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

Result<std::map<std::string, std::string>> parse_metadata(std::string_view text,
                                                          std::string_view origin) {
  auto pairs = split_pairs(text, origin, "key=value,... (region=eu,disk=ssd)");
  if (!pairs) return std::unexpected(pairs.error());
  if (pairs->size() > kMaxMetadata) {
    return fail(Errc::kInvalidArgument,
                str(origin, ": ", pairs->size(), " entries, at most ", kMaxMetadata));
  }
  std::map<std::string, std::string> metadata;
  for (const auto& [key, value] : *pairs) {
    if (!is_metadata_key(key) || key.size() > kMaxMetadataBytes) {
      return bad(
          origin,
          str("a key of letters, digits, '_', '-', '.' (at most ", kMaxMetadataBytes, " bytes)"),
          key);
    }
    if (value.size() > kMaxMetadataBytes) {
      return fail(Errc::kInvalidArgument, str(origin, ": the value of ", key, " is longer than ",
                                              kMaxMetadataBytes, " bytes"));
    }
    if (!metadata.emplace(key, value).second) {
      return fail(Errc::kInvalidArgument, str(origin, ": key ", key, " is given twice"));
    }
  }
  return metadata;
}

// "2", "0.5", "1.25" -> thousandths.
std::optional<std::uint64_t> parse_millis(std::string_view text) {
  const auto dot = text.find('.');
  const auto whole = parse_u64(text.substr(0, dot));
  if (!whole || text.starts_with("0x") || *whole > (1u << 20)) return std::nullopt;
  std::uint64_t thousandths = 0;
  if (dot != std::string_view::npos) {
    const std::string_view fraction = text.substr(dot + 1);
    if (fraction.empty() || fraction.size() > 3 ||
        !std::ranges::all_of(fraction, [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    for (std::size_t i = 0; i < 3; ++i) {
      thousandths = thousandths * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    }
  }
  return *whole * 1000 + thousandths;
}

std::optional<std::uint64_t> parse_bytes(std::string_view text) {
  struct Suffix {
    std::string_view name;
    std::uint64_t factor;
  };
  constexpr Suffix kSuffixes[] = {
      {"Ki", 1ull << 10}, {"Mi", 1ull << 20}, {"Gi", 1ull << 30},  {"Ti", 1ull << 40},
      {"K", 1000},        {"M", 1000'000},    {"G", 1000'000'000}, {"T", 1000'000'000'000}};
  std::uint64_t factor = 1;
  for (const Suffix& suffix : kSuffixes) {
    if (text.ends_with(suffix.name)) {
      factor = suffix.factor;
      text.remove_suffix(suffix.name.size());
      break;
    }
  }
  const auto number = parse_u64(text);
  if (!number || text.starts_with("0x") || *number > UINT64_MAX / factor) return std::nullopt;
  return *number * factor;
}

Result<Capacity> parse_capacity(std::string_view text, std::string_view origin) {
  auto pairs = split_pairs(text, origin, "cpus=N,memory=BYTES (cpus=2,memory=4Gi)");
  if (!pairs) return std::unexpected(pairs.error());
  Capacity capacity;
  std::set<std::string_view> seen;
  for (const auto& [key, value] : *pairs) {
    if (!seen.insert(key).second) {
      return fail(Errc::kInvalidArgument, str(origin, ": ", key, " is given twice"));
    }
    if (key == "cpus") {
      const auto millis = parse_millis(value);
      if (!millis || *millis == 0) {
        return bad(origin, "cpus as a positive number with at most 3 decimals (1.5)", value);
      }
      capacity.millicpus = *millis;
    } else if (key == "memory") {
      const auto bytes = parse_bytes(value);
      if (!bytes || *bytes == 0) {
        return bad(origin, "memory as a positive byte count, optionally K, M, G, T, Ki, Mi, Gi, Ti",
                   value);
      }
      capacity.memory_bytes = *bytes;
    } else {
      return bad(origin, "the key cpus or memory", key);
    }
  }
  return capacity;
}

// Applies one setting to `config`.
Status apply(KeeldConfig& config, std::string_view key, const Setting& setting) {
  const std::string_view text = setting.text;
  const std::string_view origin = setting.origin;
  if (key == "name") {
    auto id = node_id_from_name(text, origin);
    if (!id) return std::unexpected(id.error());
    config.name = text;
    config.id = *id;
  } else if (key == "data-dir") {
    if (text.empty()) return bad(origin, "a directory path", text);
    config.data_dir = text;
  } else if (key == "cluster-id") {
    const auto id = parse_u64(text);
    if (!id || *id == 0) return bad(origin, "a positive integer, decimal or 0x-hex", text);
    config.cluster_id = *id;
  } else if (key == "initial-cluster") {
    auto members = parse_members(text, origin);
    if (!members) return std::unexpected(members.error());
    config.initial_cluster = std::move(*members);
  } else if (key == "workers") {
    auto workers = parse_members(text, origin);
    if (!workers) return std::unexpected(workers.error());
    config.workers = std::move(*workers);
  } else if (key == "listen-peer" || key == "listen-client") {
    auto endpoint = parse_listen(text, origin);
    if (!endpoint) return std::unexpected(endpoint.error());
    (key == "listen-peer" ? config.listen_peer : config.listen_client) = std::move(*endpoint);
  } else if (key == "role") {
    if (text != "member" && text != "worker") return bad(origin, "member or worker", text);
    config.role = text == "member" ? Role::kMember : Role::kWorker;
  } else if (key == "metadata") {
    auto metadata = parse_metadata(text, origin);
    if (!metadata) return std::unexpected(metadata.error());
    config.metadata = std::move(*metadata);
  } else if (key == "capacity") {
    auto capacity = parse_capacity(text, origin);
    if (!capacity) return std::unexpected(capacity.error());
    config.capacity = *capacity;
  } else if (key == "advertise-ip") {
    boost::system::error_code error;
    boost::asio::ip::make_address(setting.text, error);
    if (error) return bad(origin, "an IPv4 or IPv6 literal", text);
    config.advertise_ip = text;
  } else if (key == "lease-ttl") {
    const auto seconds = parse_decimal(text, kMinLeaseTtlSeconds, kMaxLeaseTtlSeconds);
    if (!seconds) {
      return bad(origin,
                 str("whole seconds from ", kMinLeaseTtlSeconds, " to ", kMaxLeaseTtlSeconds),
                 text);
    }
    config.lease_ttl = std::chrono::seconds(*seconds);
  } else if (key == "snapshot-count" || key == "snapshot-catchup-entries") {
    const bool count = key == "snapshot-count";
    const std::uint64_t low = count ? 1 : 0;
    const auto entries = parse_decimal(text, low, kMaxSnapshotEntries);
    if (!entries) {
      return bad(origin, str("a whole number of entries from ", low, " to ", kMaxSnapshotEntries),
                 text);
    }
    (count ? config.snapshot_count : config.snapshot_catchup_entries) = *entries;
  } else if (key == "log-format") {
    if (text != "text" && text != "json") return bad(origin, "text or json", text);
    config.log_format = text == "json" ? TraceFormat::kJson : TraceFormat::kText;
  }
  return {};
}

std::string where(std::string_view path, const YAML::Mark& mark) {
  return str(path, ":", mark.line + 1, ":", mark.column + 1);
}

// A YAML map's entries as "k=v,k=v"; every key and value must be a scalar without ',' or '='.
Result<std::string> flatten_map(const YAML::Node& map, std::string_view path,
                                std::string_view key) {
  std::string flat;
  for (const auto& entry : map) {
    for (const YAML::Node& part : {entry.first, entry.second}) {
      if (!part.IsScalar() || part.Scalar().find_first_of(",=") != std::string::npos ||
          part.Scalar().empty()) {
        return fail(Errc::kInvalidArgument,
                    str(where(path, part.Mark()), ": ", key,
                        ": expected a non-empty scalar without ',' or '=' in this map"));
      }
    }
    if (!flat.empty()) flat += ',';
    flat += str(entry.first.Scalar(), "=", entry.second.Scalar());
  }
  return flat;
}

Result<Settings> load_file(std::string_view path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(std::string(path));
  } catch (const YAML::BadFile&) {
    return fail(Errc::kInvalidArgument, str("--config: cannot read the file '", path, "'"));
  } catch (const YAML::Exception& error) {
    return fail(Errc::kInvalidArgument,
                str(where(path, error.mark), ": not valid YAML: ", error.msg));
  }
  Settings settings;
  if (root.IsNull()) return settings;  // an empty file
  if (!root.IsMap()) {
    return fail(Errc::kInvalidArgument,
                str(where(path, root.Mark()), ": expected a map of settings (name: n1, ...)"));
  }
  for (const auto& entry : root) {
    const std::string at = where(path, entry.first.Mark());
    if (!entry.first.IsScalar() || !is_key(entry.first.Scalar())) {
      return fail(Errc::kInvalidArgument,
                  str(at, ": unknown setting '", entry.first.IsScalar() ? entry.first.Scalar() : "",
                      "' (expected one of the flags' names without dashes, see keeld --help)"));
    }
    const std::string& key = entry.first.Scalar();
    if (settings.contains(key)) {
      return fail(Errc::kInvalidArgument, str(at, ": ", key, " is given twice"));
    }
    const YAML::Node& value = entry.second;
    const std::string origin = str(where(path, value.Mark()), ": ", key);
    if (value.IsScalar()) {
      settings[key] = Setting{value.Scalar(), origin};
    } else if (value.IsMap() && is_map_key(key)) {
      auto flat = flatten_map(value, path, key);
      if (!flat) return std::unexpected(flat.error());
      settings[key] = Setting{std::move(*flat), origin};
    } else {
      return fail(Errc::kInvalidArgument,
                  str(origin, ": expected ", is_map_key(key) ? "a scalar or a map" : "a scalar"));
    }
  }
  return settings;
}

// Checks that need several settings together.
Status check_whole(KeeldConfig& config) {
  if (config.name.empty()) return fail(Errc::kInvalidArgument, "--name is required (n1, n2, ...)");
  if (config.cluster_id == 0) {
    return fail(Errc::kInvalidArgument, "--cluster-id is required (a positive integer)");
  }
  if (config.initial_cluster.empty()) {
    return fail(Errc::kInvalidArgument,
                "--initial-cluster is required (n1=IP:PORT,n2=IP:PORT,...: the founding members)");
  }
  if (config.data_dir.empty()) config.data_dir = str(config.name, ".keeld");
  if (config.advertise_ip.empty()) config.advertise_ip = default_advertise_ip(config.listen_client);
  const bool listed = std::ranges::any_of(config.initial_cluster,
                                          [&](const Member& m) { return m.id == config.id; });
  std::string names;
  for (const Member& member : config.initial_cluster) {
    names += str(names.empty() ? "" : ", ", member.name);
  }
  if (config.role == Role::kMember && !listed) {
    return fail(Errc::kInvalidArgument, str("--name ", config.name,
                                            " is not one of the members in "
                                            "--initial-cluster (",
                                            names, "); a member must be"));
  }
  if (config.role == Role::kWorker && listed) {
    return fail(Errc::kInvalidArgument,
                str("--name ", config.name, " is listed in --initial-cluster (", names,
                    ") but --role is worker: workers do not vote"));
  }
  for (const Member& worker : config.workers) {
    for (const Member& member : config.initial_cluster) {
      if (worker.id == member.id || worker.peer == member.peer) {
        return fail(Errc::kInvalidArgument,
                    str("--workers: worker ", worker.name, " shares its ",
                        worker.id == member.id ? "name" : "address", " with member ", member.name));
      }
    }
  }
  const bool listed_worker =
      std::ranges::any_of(config.workers, [&](const Member& m) { return m.id == config.id; });
  if (config.role == Role::kWorker && !listed_worker) {
    return fail(Errc::kInvalidArgument,
                str("--name ", config.name,
                    " is not in --workers: the members answer a worker at the peer address "
                    "listed there"));
  }
  return {};
}

}  // namespace

std::string default_advertise_ip(const Endpoint& listen_client) {
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(listen_client.address, error);
  if (error || address.is_unspecified()) return "127.0.0.1";
  return listen_client.address;
}

Result<NodeId> node_id_from_name(std::string_view name, std::string_view origin) {
  const std::string_view digits = name.substr(std::min<std::size_t>(1, name.size()));
  const auto id = name.starts_with('n') && !digits.starts_with('0') &&
                          std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; })
                      ? parse_u64(digits)
                      : std::nullopt;
  if (!id || *id == 0)
    return bad(origin, "a machine name n<K> with K a positive integer (n1)", name);
  return NodeId{*id};
}

std::string_view usage() {
  return R"(usage: keeld --name nK --cluster-id ID --initial-cluster n1=IP:PORT,... [flags]
  --config FILE          YAML settings (the keys below without dashes); flags override it
  --name nK              this machine (its NodeId is K)
  --data-dir DIR         default <name>.keeld
  --cluster-id ID        positive, decimal or 0x-hex
  --initial-cluster L    the founding members: n1=127.0.0.1:2380,n2=...
  --listen-peer ADDR     default 0.0.0.0:2380
  --listen-client ADDR   default 0.0.0.0:2379
  --role member|worker   default member; a worker runs units but does not vote
  --worker               the same as --role worker
  --workers L            the workers and their peer addresses, given to every machine (the
                         members answer a worker there): n4=127.0.0.1:2390,...
  --metadata k=v,...     machine metadata
  --capacity cpus=N,memory=BYTES   e.g. cpus=1.5,memory=4Gi
  --advertise-ip IP      the IP this machine's services are announced at; default the
                         --listen-client address (127.0.0.1 when that is a wildcard)
  --lease-ttl SECONDS    the machine's presence lease (default 5): units move this long after
                         the machine goes silent
  --snapshot-count N     applied entries between two snapshots (default 10000, at most 1000000)
  --snapshot-catchup-entries N   log entries kept below each snapshot, so a member that far
                         behind it catches up without being sent the snapshot (default 5000)
  --log-format text|json default text (stderr)
  --help                 this text
)";
}

Result<CommandLine> parse_command_line(std::span<const std::string_view> args) {
  Settings flags;
  std::optional<std::string> config_file;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") return CommandLine{.help = true, .config = {}};
    if (arg == "--worker") {  // the switch spelling of --role worker
      if (flags.contains("role")) {
        return fail(Errc::kInvalidArgument, "--worker and --role are given together");
      }
      flags["role"] = Setting{"worker", "--worker"};
      continue;
    }
    if (!arg.starts_with("--")) {
      return fail(Errc::kInvalidArgument,
                  str("unexpected argument '", arg, "' (flags start with --)"));
    }
    arg.remove_prefix(2);
    std::string key(arg.substr(0, arg.find('=')));
    std::string value;
    if (key.size() < arg.size()) {
      value = arg.substr(key.size() + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return fail(Errc::kInvalidArgument, str("--", key, ": missing its value"));
    }
    const std::string origin = str("--", key);
    if (key != "config" && !is_key(key)) {
      return fail(Errc::kInvalidArgument, str("unknown flag ", origin, " (see keeld --help)"));
    }
    if (flags.contains(key) || (key == "config" && config_file)) {
      return fail(Errc::kInvalidArgument, str(origin, " is given twice"));
    }
    if (key == "config") {
      config_file = value;
    } else {
      flags[key] = Setting{std::move(value), origin};
    }
  }
  Settings settings;
  if (config_file) {
    auto loaded = load_file(*config_file);
    if (!loaded) return std::unexpected(loaded.error());
    settings = std::move(*loaded);
  }
  for (auto& [key, setting] : flags) settings[key] = std::move(setting);

  CommandLine line;
  for (const std::string_view key : kKeys) {
    const auto found = settings.find(key);
    if (found == settings.end()) continue;
    if (Status applied = apply(line.config, key, found->second); !applied) {
      return std::unexpected(applied.error());
    }
  }
  if (Status whole = check_whole(line.config); !whole) return std::unexpected(whole.error());
  return line;
}

}  // namespace keel::real::keeld
