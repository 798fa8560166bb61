// keel_loadgen: a closed-loop load generator for the etcd v2 keys API, which drives a Keel
// cluster and an etcd cluster alike (bench/loadgen/load_client.h). It prints one line:
//   op=put clients=16 ops=41234 seconds=5.00 ops_per_s=8246.8 p50_us=1830 p99_us=4120 errors=0
// Usage: keel_loadgen --endpoints http://127.0.0.1:2379,... [--op put|get|fill] [--clients N]
//        [--duration S] [--warmup S] [--keys K] [--value-size B]
// Client i talks to endpoint i mod (number of endpoints). Before a get run the clients PUT every
// key once, so that every GET finds its key. A fill run only PUTs every key once (to load a
// cluster with --keys keys, e.g. for a memory measurement) and reports the time that took.
#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/loadgen/load_client.h"
#include "core/env/error.h"
#include "core/env/str.h"

namespace keel::bench {
namespace {

struct Options {
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;
  LoadOp op = LoadOp::kPut;
  bool fill = false;
  int clients = 1;
  double duration_s = 5;
  double warmup_s = 1;
  int keys = 1000;
  int value_size = 64;
};

std::optional<int> positive(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

// "http://127.0.0.1:2379" or "127.0.0.1:2379": an IP literal and a port.
std::optional<boost::asio::ip::tcp::endpoint> parse_endpoint(std::string_view text) {
  if (text.starts_with("http://")) text.remove_prefix(7);
  if (text.ends_with("/")) text.remove_suffix(1);
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto port = positive(text.substr(colon + 1));
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(std::string(text.substr(0, colon)), error);
  if (error || !port || *port > 65535) return std::nullopt;
  return boost::asio::ip::tcp::endpoint(address, static_cast<std::uint16_t>(*port));
}

Result<Options> parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) return fail(Errc::kInvalidArgument, str(flag, ": missing its value"));
    const std::string_view value = argv[i + 1];
    const auto bad = [&] {
      return fail(Errc::kInvalidArgument, str(flag, ": bad value '", value, "'"));
    };
    if (flag == "--endpoints") {
      for (std::size_t from = 0; from <= value.size();) {
        const std::size_t comma = std::min(value.find(',', from), value.size());
        const auto endpoint = parse_endpoint(value.substr(from, comma - from));
        if (!endpoint) return bad();
        options.endpoints.push_back(*endpoint);
        from = comma + 1;
      }
    } else if (flag == "--op") {
      if (value != "put" && value != "get" && value != "fill") return bad();
      options.op = value == "get" ? LoadOp::kGet : LoadOp::kPut;
      options.fill = value == "fill";
    } else if (flag == "--duration" || flag == "--warmup") {
      const auto seconds = positive(value);
      if (!seconds) return bad();
      (flag == "--duration" ? options.duration_s : options.warmup_s) = *seconds;
    } else if (flag == "--clients" || flag == "--keys" || flag == "--value-size") {
      const auto number = positive(value);
      if (!number) return bad();
      (flag == "--clients" ? options.clients
       : flag == "--keys"  ? options.keys
                           : options.value_size) = *number;
    } else {
      return fail(Errc::kInvalidArgument, str("unknown flag ", flag));
    }
  }
  if (options.endpoints.empty()) return fail(Errc::kInvalidArgument, "--endpoints is required");
  return options;
}

// Runs `plan` with its clients until all of them stop; returns the merged histogram and errors.
// The first error of the first client that had one goes to stderr.
std::pair<LatencyHistogram, std::uint64_t> run(const Options& options, const LoadPlan& plan) {
  boost::asio::io_context io;
  std::vector<std::shared_ptr<LoadClient>> clients;
  for (int i = 0; i < plan.clients; ++i) {
    clients.push_back(std::make_shared<LoadClient>(
        io, options.endpoints[static_cast<std::size_t>(i) % options.endpoints.size()], plan, i));
    clients.back()->start();
  }
  io.run();
  LatencyHistogram merged;
  std::uint64_t errors = 0;
  for (const auto& client : clients) {
    merged.merge(client->histogram());
    if (errors == 0 && client->errors() > 0) {
      std::cerr << "keel_loadgen: first error: " << client->first_error() << "\n";
    }
    errors += client->errors();
  }
  return {merged, errors};
}

void report(const char* op, int clients, const LatencyHistogram& histogram, std::uint64_t errors,
            std::chrono::steady_clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  std::printf(
      "op=%s clients=%d ops=%llu seconds=%.2f ops_per_s=%.1f p50_us=%llu p99_us=%llu "
      "errors=%llu\n",
      op, clients, static_cast<unsigned long long>(histogram.count()), seconds,
      static_cast<double>(histogram.count()) / seconds,
      static_cast<unsigned long long>(histogram.percentile(0.5)),
      static_cast<unsigned long long>(histogram.percentile(0.99)),
      static_cast<unsigned long long>(errors));
}

int main_with(int argc, char** argv) {
  const auto options = parse(argc, argv);
  if (!options) {
    std::cerr << "keel_loadgen: " << options.error().message << "\n";
    return 2;
  }
  const auto seconds = [](double s) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(s));
  };
  LoadPlan plan{.op = options->op,
                .clients = options->clients,
                .keys = options->keys,
                .value = std::string(static_cast<std::size_t>(options->value_size), 'v'),
                .each_key_once = false,
                .measure_from = {},
                .stop_at = {}};
  if (plan.op == LoadOp::kGet || options->fill) {
    LoadPlan preload = plan;
    preload.op = LoadOp::kPut;
    preload.each_key_once = true;
    preload.stop_at = std::chrono::steady_clock::now() + std::chrono::hours(1);
    const auto started = std::chrono::steady_clock::now();
    const auto [histogram, errors] = run(*options, preload);
    // Failed PUTs of a preload are sent again, so only a client that gave up leaves keys out.
    if (histogram.count() != static_cast<std::uint64_t>(plan.keys)) {
      std::cerr << "keel_loadgen: the preload wrote " << histogram.count() << " of " << plan.keys
                << " keys\n";
      return 1;
    }
    if (options->fill) {
      report("fill", plan.clients, histogram, errors, std::chrono::steady_clock::now() - started);
      return 0;
    }
  }
  plan.measure_from = std::chrono::steady_clock::now() + seconds(options->warmup_s);
  plan.stop_at = plan.measure_from + seconds(options->duration_s);
  const auto [histogram, errors] = run(*options, plan);
  report(plan.op == LoadOp::kPut ? "put" : "get", plan.clients, histogram, errors,
         plan.stop_at - plan.measure_from);
  return histogram.count() > 0 ? 0 : 1;
}

}  // namespace
}  // namespace keel::bench

int main(int argc, char** argv) { return keel::bench::main_with(argc, argv); }
