// Verb: one keelctl command ("get", "cluster members"), the unit that keelctl.cc dispatches to.
// A group of verbs lives in its own file and hands its table to keelctl.cc (kv_verbs.h,
// cluster_verbs.h, local_cluster_verbs.h, fleet_verbs.h).
//
// Contract for a verb's run(): the words, the operand count and the flags' names were checked
// against the Verb before it runs; it checks the flags' values itself (usage_error() when bad),
// writes its result to `out` and one line "Error: <reason>" to `err` on failure, and returns an
// exit code of exit_code.h.
#pragma once

#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "real/keelctl/command_line.h"
#include "real/keelctl/endpoints.h"
#include "real/keelctl/v2_answer.h"

namespace keel::real::keelctl {

struct Verb;

struct VerbCall {
  const Verb& verb;
  const CommandLine& line;
  std::span<const std::string> operands;  // the words after the verb's name
  Endpoints& endpoints;
  std::ostream& out;
  std::ostream& err;
};

struct Verb {
  std::string_view name;      // the words that select it: "get", "cluster members"
  std::string_view operands;  // for usage: "KEY [--prefix]"
  std::string_view summary;   // one line, for usage
  std::size_t min_operands = 0;
  std::size_t max_operands = 0;
  std::vector<FlagSpec> flags;  // its own; the global flags (keelctl.h) apply to every verb
  std::function<int(const VerbCall&)> run;
};

// "keelctl get KEY": the verb's usage line.
std::string usage_line(const Verb& verb);

// Writes "Error: <why>" and the verb's usage line to call.err; returns kExitUsage.
int usage_error(const VerbCall& call, std::string_view why);
// Writes "Error: <message>" to `err`; returns kExitUnreachable for kUnavailable (no endpoint
// reached), else kExitFailure.
int report(std::ostream& err, const Error& error);
// Writes "Error: 100: Key not found (/a) [7]" as etcdctl does; returns kExitFailure.
int report(std::ostream& err, const V2Error& error);

}  // namespace keel::real::keelctl
