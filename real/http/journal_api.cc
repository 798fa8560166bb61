#include "real/http/journal_api.h"

#include <charconv>

#include "core/env/str.h"
#include "real/containers/container_log.h"
#include "real/http/fleet_api.h"
#include "real/http/fleet_json.h"
#include "real/http/form.h"

namespace keel::real::http {
namespace {

namespace beast_http = boost::beast::http;

constexpr std::string_view kJournalPrefix = "/fleet/v1/journal/";

// The unit named after the prefix, percent-decoded; one path component, not empty.
Result<std::string> unit_of(const Request& request) {
  const std::string_view path = target_path(target_of(request));
  const std::string_view rest = path.substr(std::min(kJournalPrefix.size(), path.size()));
  if (rest.empty() || rest.find('/') != std::string_view::npos) {
    return fail(Errc::kNotFound,
                str("no such resource: ", path, " (want ", kJournalPrefix, "<unit>)"));
  }
  return percent_decode(rest, false);  // tail_log refuses names that are not a file's
}

Result<std::size_t> lines_of(const Request& request) {
  auto form = Form::parse(request);
  if (!form) return std::unexpected(form.error());
  const auto text = form->get("lines");
  if (!text) return kDefaultJournalLines;
  std::size_t lines = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), lines);
  if (error != std::errc() || end != text->data() + text->size() || lines < 1 ||
      lines > kMaxJournalLines) {
    return fail(Errc::kInvalidArgument, str("lines: expected a whole number from 1 to ",
                                            kMaxJournalLines, ", got '", *text, "'"));
  }
  return lines;
}

}  // namespace

void add_journal_route(Router& router, std::string log_dir) {
  router.prefix(std::string(kJournalPrefix), [log_dir = std::move(log_dir)](
                                                 const std::shared_ptr<Exchange>& exchange) {
    const Request& request = exchange->request();
    if (request.method() != beast_http::verb::get && request.method() != beast_http::verb::head) {
      Response response =
          make_response(beast_http::status::method_not_allowed,
                        fleet_error_json(405, "method not allowed here; allowed: GET, HEAD"));
      response.set(beast_http::field::allow, "GET, HEAD");
      return exchange->respond(std::move(response));
    }
    auto unit = unit_of(request);
    if (!unit) return respond_fleet_error(exchange, unit.error());
    auto lines = lines_of(request);
    if (!lines) return respond_fleet_error(exchange, lines.error());
    auto tail = tail_log(log_dir, *unit, *lines);
    if (!tail && tail.error().code == Errc::kNotFound) {
      return respond_fleet_error(
          exchange, Error{Errc::kNotFound, str("unit ", *unit, " has no log on this machine")});
    }
    if (!tail) return respond_fleet_error(exchange, tail.error());
    std::string body;
    for (const std::string& line : *tail) body += str(line, "\n");
    exchange->respond(
        make_response(beast_http::status::ok, std::move(body), "text/plain; charset=utf-8"));
  });
}

}  // namespace keel::real::http
