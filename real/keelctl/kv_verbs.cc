#include "real/keelctl/kv_verbs.h"

#include "core/env/str.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/v2_keys.h"

namespace keel::real::keelctl {
namespace {

// etcd takes any TTL a signed 64-bit count of seconds holds; keelctl keeps it to ten years.
constexpr std::uint64_t kMaxTtlSeconds = 10ull * 365 * 24 * 60 * 60;

// Runs `done` on the event of a successful outcome, or reports the failure.
template <class Done>
int on_event(const VerbCall& call, const Result<V2Outcome>& outcome, Done done) {
  if (!outcome) return report(call.err, outcome.error());
  if (!*outcome) return report(call.err, outcome->error());
  return done(**outcome);
}

int run_get(const VerbCall& call) {
  V2Keys keys(call.endpoints);
  return on_event(call, keys.get(call.operands[0], false), [&](const V2Event& event) {
    if (event.node.dir)
      return report(call.err,
                    Error{Errc::kInvalidArgument, str(event.node.key, ": is a directory")});
    call.out << event.node.value.value_or("") << "\n";
    return kExitOk;
  });
}

int run_put(const VerbCall& call) {
  std::optional<std::uint64_t> ttl;
  if (const auto text = call.line.last("ttl")) {
    auto parsed = parse_count("ttl", *text, 1, kMaxTtlSeconds);
    if (!parsed) return usage_error(call, parsed.error().message);
    ttl = *parsed;
  }
  V2Keys keys(call.endpoints);
  return on_event(call, keys.put(call.operands[0], call.operands[1], ttl),
                  [&](const V2Event& event) {
                    call.out << event.node.value.value_or("") << "\n";
                    return kExitOk;
                  });
}

int run_del(const VerbCall& call) {
  V2Keys keys(call.endpoints);
  return on_event(call, keys.remove(call.operands[0], call.line.has("prefix")),
                  [](const V2Event&) { return kExitOk; });
}

// Pre-order: a directory, then what it holds (etcd sorted each level with sorted=true).
void list(std::ostream& out, const V2Node& node) {
  for (const V2Node& child : node.nodes) {
    out << child.key << (child.dir ? "/" : "") << "\n";
    list(out, child);
  }
}

int run_ls(const VerbCall& call) {
  V2Keys keys(call.endpoints);
  const std::string dir = call.operands.empty() ? "/" : call.operands[0];
  return on_event(call, keys.get(dir, call.line.has("recursive")), [&](const V2Event& event) {
    if (!event.node.dir) call.out << event.node.key << "\n";
    list(call.out, event.node);
    return kExitOk;
  });
}

int run_watch(const VerbCall& call) {
  V2Keys keys(call.endpoints);
  const bool once = call.line.has("once");
  std::optional<std::uint64_t> wait_index;
  while (true) {
    auto outcome = keys.wait(call.operands[0], call.line.has("prefix"), wait_index);
    if (!outcome) return report(call.err, outcome.error());
    if (!*outcome) {
      const V2Error& error = outcome->error();
      if (error.code != kEtcdEventIndexCleared) return report(call.err, error);
      call.err << "Warning: changes before index " << error.index + 1
               << " are no longer in etcd's history; watching from there\n";
      wait_index = error.index + 1;
      continue;
    }
    const V2Event& event = **outcome;
    call.out << event.action << " " << event.node.key;
    if (event.node.value) call.out << " " << *event.node.value;
    call.out << std::endl;  // a watcher's reader sees each change as it happens
    if (once) return kExitOk;
    wait_index = event.node.modified_index + 1;
  }
}

}  // namespace

std::vector<Verb> kv_verbs() {
  return {
      {.name = "get",
       .operands = "KEY",
       .summary = "print a key's value",
       .min_operands = 1,
       .max_operands = 1,
       .flags = {},
       .run = run_get},
      {.name = "put",
       .operands = "KEY VALUE [--ttl S]",
       .summary = "set a key's value, expiring after S seconds with --ttl",
       .min_operands = 2,
       .max_operands = 2,
       .flags = {{.name = "ttl", .takes_value = true, .help = "seconds until the key expires"}},
       .run = run_put},
      {.name = "del",
       .operands = "KEY [--prefix]",
       .summary = "delete a key, or with --prefix the directory KEY and all below it",
       .min_operands = 1,
       .max_operands = 1,
       .flags = {{.name = "prefix", .takes_value = false, .help = "delete all below KEY"}},
       .run = run_del},
      {.name = "ls",
       .operands = "[DIR] [--recursive]",
       .summary = "list a directory (default /), with --recursive all below it",
       .min_operands = 0,
       .max_operands = 1,
       .flags = {{.name = "recursive", .takes_value = false, .help = "list all below DIR"}},
       .run = run_ls},
      {.name = "watch",
       .operands = "KEY [--prefix] [--once]",
       .summary = "print each change to a key (with --prefix: below it), or the first with --once",
       .min_operands = 1,
       .max_operands = 1,
       .flags = {{.name = "prefix", .takes_value = false, .help = "watch all below KEY"},
                 {.name = "once", .takes_value = false, .help = "exit after the first change"}},
       .run = run_watch},
  };
}

}  // namespace keel::real::keelctl
