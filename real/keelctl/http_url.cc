#include "real/keelctl/http_url.h"

#include <charconv>

#include "core/env/str.h"

namespace keel::real::keelctl {
namespace {

Result<HttpUrl> bad_url(std::string_view text, std::string_view why) {
  return fail(Errc::kInvalidArgument, str("endpoint \"", text, "\": ", why));
}

bool unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

}  // namespace

Result<HttpUrl> parse_http_url(std::string_view text) {
  constexpr std::string_view kScheme = "http://";
  if (!text.starts_with(kScheme)) return bad_url(text, "only http:// endpoints are supported");
  std::string_view rest = text.substr(kScheme.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find_first_of("/?#@") != std::string_view::npos) {
    return bad_url(text, "expected http://HOST[:PORT] without a path, query or user");
  }
  HttpUrl url;
  std::string_view port_text;
  if (rest.starts_with('[')) {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad_url(text, "an IPv6 host lacks its ']'");
    url.host = rest.substr(1, close - 1);
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return bad_url(text, "junk after the host");
    if (!after.empty()) port_text = after.substr(1);
  } else {
    const std::size_t colon = rest.rfind(':');
    url.host = rest.substr(0, colon);
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (url.host.empty()) return bad_url(text, "no host");
  if (!port_text.empty() || rest.ends_with(':')) {
    unsigned port = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return bad_url(text, "the port must be a number from 1 to 65535");
    }
    url.port = static_cast<std::uint16_t>(port);
  }
  url.text = std::string(text.substr(0, kScheme.size() + rest.size()));
  return url;
}

std::string url_encode_path(std::string_view text) { return encode(text, true); }
std::string url_encode_value(std::string_view text) { return encode(text, false); }

}  // namespace keel::real::keelctl
