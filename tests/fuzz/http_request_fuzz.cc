// libFuzzer target: the HTTP request parsing of keeld's client port (real/http), fed bytes from
// nowhere (issue 7: malformed HTTP never crashes a node). The bytes go through Beast's request
// parser set up as HttpConnection sets it up (the header and body limits of http_limits.h), in
// two writes cut where the first byte says; a request that parses has its path cut from its
// target (router.h) and its form read (form.h), as the v2 keys API does. The whole input is also
// percent-decoded as one form component straight from libFuzzer's buffer, which is exactly as long
// as the input: a read past the end of the text is an ASan report there, where the slack after a
// parsed body or target would hide it. A parse error is an expected outcome; any assertion or
// sanitizer report is a finding.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/env/assert.h"
#include "real/http/form.h"
#include "real/http/http_limits.h"
#include "real/http/router.h"

namespace keel::real::http {
namespace {

// Feeds `text` to `parser` in the given pieces; whether a whole request came out.
bool parse(boost::beast::http::request_parser<boost::beast::http::string_body>& parser,
           std::string_view text) {
  boost::beast::error_code error;
  while (!text.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(text.data(), text.size()), error);
    if (error == boost::beast::http::error::need_more) return false;
    if (error) return false;
    if (used == 0) return false;
    text.remove_prefix(used);
  }
  return parser.is_done();
}

void exercise(std::string_view bytes, std::size_t cut) {
  const HttpLimits limits;
  boost::beast::http::request_parser<boost::beast::http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  // Beast's parser keeps unconsumed bytes with the caller, so the second piece is what remains.
  std::string_view first = bytes.substr(0, cut);
  boost::beast::error_code error;
  const std::size_t used = parser.put(boost::asio::buffer(first.data(), first.size()), error);
  if (error && error != boost::beast::http::error::need_more) return;
  if (!parse(parser, bytes.substr(used))) return;
  const Request request = parser.release();
  const std::string_view target(request.target().data(), request.target().size());
  KEEL_ASSERT(target.starts_with(target_path(target)), "a path is a prefix of its target");
  if (auto form = Form::parse(request)) {
    (void)form->get("value");
  } else {
    KEEL_ASSERT(!form.error().message.empty(), "a refused form says why");
  }
}

}  // namespace
}  // namespace keel::real::http

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto decoded = keel::real::http::percent_decode(bytes, true)) {
    KEEL_ASSERT(decoded->size() <= size, "percent-decoding never lengthens a text");
  }
  keel::real::http::exercise(bytes, size == 0 ? 0 : data[0] % (size + 1));
  return 0;
}
