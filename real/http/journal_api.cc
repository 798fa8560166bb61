#include "real/http/journal_api.h"

#include <charconv>
#include <limits>
#include <optional>

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

// The parameter `name` as a whole number in [min, max], if it is given; `expected` describes
// the range in the error.
Result<std::optional<std::uint64_t>> number_of(const Form& form, std::string_view name,
                                               std::uint64_t min, std::uint64_t max,
                                               std::string_view expected) {
  const auto text = form.get(name);
  if (!text) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return fail(Errc::kInvalidArgument, str(name, ": expected ", expected, ", got '", *text, "'"));
  }
  return value;
}

Response text_response(std::string body, std::uint64_t next_offset) {
  Response response =
      make_response(beast_http::status::ok, std::move(body), "text/plain; charset=utf-8");
  const std::string offset = std::to_string(next_offset);
  response.set(boost::beast::string_view(kLogOffsetHeader.data(), kLogOffsetHeader.size()),
               boost::beast::string_view(offset.data(), offset.size()));
  return response;
}

// The answer to ?lines=N: the last lines, and the end of the current file to follow from.
Result<Response> tail_answer(const std::string& log_dir, const std::string& unit,
                             std::size_t lines) {
  auto tail = tail_log(log_dir, unit, lines);
  if (!tail) return std::unexpected(tail.error());
  auto end = log_end(log_dir, unit);
  if (!end) return std::unexpected(end.error());
  std::string body;
  for (const std::string& line : *tail) body += str(line, "\n");
  return text_response(std::move(body), *end);
}

// The answer to ?offset=K: the next piece of the current file.
Result<Response> piece_answer(const std::string& log_dir, const std::string& unit,
                              std::uint64_t offset) {
  auto piece = read_log_from(log_dir, unit, offset, kMaxJournalPieceBytes);
  if (!piece) return std::unexpected(piece.error());
  return text_response(std::move(piece->bytes), piece->next);
}

// The answer to a GET of `unit`'s journal with `form`'s parameters.
Result<Response> journal_answer(const std::string& log_dir, const std::string& unit,
                                const Form& form) {
  auto lines = number_of(form, "lines", 1, kMaxJournalLines,
                         str("a whole number from 1 to ", kMaxJournalLines));
  if (!lines) return std::unexpected(lines.error());
  auto offset = number_of(form, "offset", 0, std::numeric_limits<std::uint64_t>::max(),
                          "a whole number of bytes");
  if (!offset) return std::unexpected(offset.error());
  if (*lines && *offset) return fail(Errc::kInvalidArgument, "give lines or offset, not both");
  auto answer = *offset ? piece_answer(log_dir, unit, **offset)
                        : tail_answer(log_dir, unit, lines->value_or(kDefaultJournalLines));
  if (!answer && answer.error().code == Errc::kNotFound) {
    return fail(Errc::kNotFound, str("unit ", unit, " has no log on this machine"));
  }
  return answer;
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
    auto form = Form::parse(request);
    if (!form) return respond_fleet_error(exchange, form.error());
    auto answer = journal_answer(log_dir, *unit, *form);
    if (!answer) return respond_fleet_error(exchange, answer.error());
    exchange->respond(std::move(*answer));
  });
}

}  // namespace keel::real::http
