// JsonWriter: builds compact JSON text (RFC 8259) in the order fields are written, the way Go's
// encoding/json prints a struct, so answers can match etcd's byte for byte. Strings are escaped
// as Go escapes them (control characters as \u00XX; <, > and & as \u003c, \u003e, \u0026).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace keel::real::http {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The name of the next value, inside an object.
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(bool flag);

  const std::string& text() const { return text_; }

 private:
  void separate();

  std::string text_;
  bool need_comma_ = false;
};

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace keel::real::http
