#include "real/keelctl/keelctl.h"

#include <algorithm>
#include <ranges>
#include <sstream>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "real/keelctl/cluster_verbs.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/fleet_verbs.h"
#include "real/keelctl/image_verb.h"
#include "real/keelctl/journal_verb.h"
#include "real/keelctl/kv_verbs.h"
#include "real/keelctl/local_cluster_verbs.h"
#include "real/keelctl/status_verb.h"
#include "real/keelctl/unit_file_verbs.h"
#include "real/keelctl/verb.h"
#include "real/keelctl/verify_verb.h"

namespace keel::real::keelctl {
namespace {

constexpr std::string_view kDefaultEndpoint = "http://127.0.0.1:2379";
constexpr std::string_view kDefaultTimeoutSeconds = "5";

const std::vector<FlagSpec>& global_flags() {
  static const std::vector<FlagSpec> flags = {
      {.name = "endpoint", .takes_value = true, .help = "a client URL; several are tried in turn"},
      {.name = "timeout", .takes_value = true, .help = "seconds to connect and to await answers"},
      {.name = "help", .takes_value = false, .help = "print this help"},
  };
  return flags;
}

std::vector<Verb> all_verbs() {
  std::vector<Verb> verbs = kv_verbs();
  std::ranges::move(cluster_verbs(), std::back_inserter(verbs));
  std::ranges::move(fleet_verbs(), std::back_inserter(verbs));
  std::ranges::move(unit_file_verbs(), std::back_inserter(verbs));
  std::ranges::move(status_verbs(), std::back_inserter(verbs));
  std::ranges::move(verify_verbs(), std::back_inserter(verbs));
  std::ranges::move(journal_verbs(), std::back_inserter(verbs));
  std::ranges::move(image_verbs(), std::back_inserter(verbs));
  std::ranges::move(local_cluster_verbs(), std::back_inserter(verbs));
  return verbs;
}

// Every flag any verb knows, so the line parses before the verb is known. Two verbs may share a
// flag's name only if they agree on whether it takes a value.
std::vector<FlagSpec> every_flag(const std::vector<Verb>& verbs) {
  std::vector<FlagSpec> flags = global_flags();
  for (const Verb& verb : verbs) {
    for (const FlagSpec& flag : verb.flags) {
      const auto known = std::ranges::find(flags, flag.name, &FlagSpec::name);
      if (known == flags.end()) {
        flags.push_back(flag);
      } else {
        KEEL_ASSERT(known->takes_value == flag.takes_value, "--", flag.name,
                    " is a switch for one verb and takes a value for another");
      }
    }
  }
  return flags;
}

std::string usage(const std::vector<Verb>& verbs) {
  std::ostringstream text;
  text << "Usage: keelctl [--endpoint URL]... [--timeout S] VERB [OPERANDS] [FLAGS]\n\nVerbs:\n";
  std::size_t width = 0;
  for (const Verb& verb : verbs) width = std::max(width, usage_line(verb).size());
  for (const Verb& verb : verbs) {
    const std::string line = usage_line(verb);
    text << "  " << line << std::string(width - line.size() + 2, ' ') << verb.summary << "\n";
  }
  text << "\nGlobal flags:\n";
  for (const FlagSpec& flag : global_flags()) {
    const std::string name = str("--", flag.name);
    text << "  " << name << std::string(12 - name.size(), ' ') << flag.help << "\n";
  }
  text << "\nExit codes: 0 done, 1 the cluster answered with an error, 2 bad usage, "
          "3 no endpoint reachable\n";
  return text.str();
}

// The verb whose name is the longest run of leading words ("cluster members" before "cluster").
const Verb* find_verb(const std::vector<Verb>& verbs, const std::vector<std::string>& words) {
  const Verb* best = nullptr;
  std::size_t best_words = 0;
  for (const Verb& verb : verbs) {
    std::size_t count = 0;
    bool matches = true;
    for (const auto part : std::views::split(verb.name, ' ')) {
      const std::string_view name_word(part.begin(), part.end());
      matches = matches && count < words.size() && words[count] == name_word;
      ++count;
    }
    if (matches && count > best_words) {
      best = &verb;
      best_words = count;
    }
  }
  return best;
}

std::size_t word_count(std::string_view name) {
  return static_cast<std::size_t>(std::ranges::count(name, ' ')) + 1;
}

Result<std::vector<HttpUrl>> endpoint_urls(const CommandLine& line) {
  std::vector<std::string> given =
      line.has("endpoint") ? line.flags.at("endpoint") : std::vector{std::string(kDefaultEndpoint)};
  std::vector<HttpUrl> urls;
  for (const std::string& value : given) {
    for (const auto part : std::views::split(value, ',')) {
      auto url = parse_http_url(std::string_view(part.begin(), part.end()));
      if (!url) return std::unexpected(url.error());
      urls.push_back(std::move(*url));
    }
  }
  return urls;
}

int general_usage_error(std::ostream& err, std::string_view why, const std::vector<Verb>& verbs) {
  err << "Error: " << why << "\n" << usage(verbs);
  return kExitUsage;
}

}  // namespace

int run_keelctl(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  const std::vector<Verb> verbs = all_verbs();
  const std::vector<FlagSpec> flags = every_flag(verbs);
  auto line = parse_command_line(args, flags);
  if (!line) return general_usage_error(err, line.error().message, verbs);
  if (line->has("help")) {
    out << usage(verbs);
    return kExitOk;
  }
  if (line->words.empty()) return general_usage_error(err, "no verb given", verbs);
  const Verb* verb = find_verb(verbs, line->words);
  if (verb == nullptr) {
    return general_usage_error(err, str("unknown verb \"", line->words[0], "\""), verbs);
  }
  const std::span<const std::string> operands =
      std::span(line->words).subspan(word_count(verb->name));

  auto urls = endpoint_urls(*line);
  if (!urls) return general_usage_error(err, urls.error().message, verbs);
  auto timeout =
      parse_seconds("timeout", line->last("timeout").value_or(std::string(kDefaultTimeoutSeconds)));
  if (!timeout) return general_usage_error(err, timeout.error().message, verbs);
  Endpoints endpoints(std::move(*urls), *timeout);
  const VerbCall call{.verb = *verb,
                      .line = *line,
                      .operands = operands,
                      .endpoints = endpoints,
                      .out = out,
                      .err = err};

  for (const auto& [name, values] : line->flags) {
    const bool global = std::ranges::count(global_flags(), name, &FlagSpec::name) > 0;
    if (!global && std::ranges::count(verb->flags, name, &FlagSpec::name) == 0) {
      return usage_error(call, str("--", name, " does not apply to ", verb->name));
    }
  }
  if (operands.size() < verb->min_operands) return usage_error(call, "missing operands");
  if (operands.size() > verb->max_operands) {
    return usage_error(call, str("unexpected operand \"", operands[verb->max_operands], "\""));
  }
  return verb->run(call);
}

}  // namespace keel::real::keelctl
