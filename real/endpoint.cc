#include "real/endpoint.h"

#include <boost/asio/ip/address.hpp>
#include <charconv>

#include "core/env/str.h"

namespace keel::real {

Result<Endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return fail(Errc::kInvalidArgument, str("endpoint '", text, "': expected address:port"));
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);

  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(std::string(host), error);
  if (error) {
    return fail(Errc::kInvalidArgument, str("endpoint '", text, "': '", host,
                                            "' is not an IP address (names are not ", "resolved)"));
  }
  if (address.is_v6() != bracketed) {
    return fail(Errc::kInvalidArgument,
                str("endpoint '", text, "': brackets go around an IPv6 address and only there"));
  }
  std::uint16_t port = 0;
  const auto [end, parse_error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || parse_error != std::errc{} ||
      end != port_text.data() + port_text.size()) {
    return fail(Errc::kInvalidArgument,
                str("endpoint '", text, "': port '", port_text, "' is not a number in 0..65535"));
  }
  return Endpoint{address.to_string(), port};
}

Status check_endpoint(const Endpoint& endpoint) {
  boost::system::error_code error;
  boost::asio::ip::make_address(endpoint.address, error);
  if (error) {
    return fail(Errc::kInvalidArgument, str("endpoint address '", endpoint.address,
                                            "' is not an IP address (names are not resolved)"));
  }
  return {};
}

std::string to_string(const Endpoint& endpoint) {
  const bool v6 = endpoint.address.find(':') != std::string::npos;
  return v6 ? str("[", endpoint.address, "]:", endpoint.port)
            : str(endpoint.address, ":", endpoint.port);
}

}  // namespace keel::real
