#include "real/http/form.h"

#include "core/env/str.h"

namespace keel::real::http {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+' && plus_is_space) {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      const int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return fail(Errc::kInvalidArgument, str("bad percent escape at byte ", i));
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return out;
}

Status Form::add(std::string_view encoded) {
  while (!encoded.empty()) {
    const std::size_t amp = encoded.find('&');
    const std::string_view pair = encoded.substr(0, amp);
    encoded = amp == std::string_view::npos ? std::string_view() : encoded.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    if (!name) return std::unexpected(name.error());
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!value) return std::unexpected(value.error());
    fields_.emplace(std::move(*name), std::move(*value));
  }
  return {};
}

Result<Form> Form::parse(const Request& request) {
  Form form;
  const auto content_type_field = request[boost::beast::http::field::content_type];
  const std::string_view content_type(content_type_field.data(), content_type_field.size());
  if (content_type.starts_with("application/x-www-form-urlencoded")) {
    if (Status added = form.add(request.body()); !added) return std::unexpected(added.error());
  }
  const std::string_view target = target_of(request);
  if (const std::size_t question = target.find('?'); question != std::string_view::npos) {
    if (Status added = form.add(target.substr(question + 1)); !added) {
      return std::unexpected(added.error());
    }
  }
  return form;
}

std::optional<std::string> Form::get(std::string_view name) const {
  const auto it = fields_.find(name);
  if (it == fields_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string_view> Form::names() const {
  std::vector<std::string_view> names;
  for (const auto& [name, value] : fields_) names.push_back(name);
  return names;
}

}  // namespace keel::real::http
