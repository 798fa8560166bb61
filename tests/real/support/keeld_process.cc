#include "real/support/keeld_process.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace keel::real::testing {
namespace {

// Reads a JSON string starting at text[at] == '"'; returns it unescaped (only the escapes keeld
// writes: \" \\ and \u00XX) and moves `at` past it.
std::string read_string(std::string_view text, std::size_t& at) {
  std::string out;
  for (++at; at < text.size() && text[at] != '"'; ++at) {
    if (text[at] == '\\' && at + 1 < text.size()) {
      ++at;
      if (text[at] == 'u' && at + 4 < text.size()) {
        out += static_cast<char>(std::stoi(std::string(text.substr(at + 1, 4)), nullptr, 16));
        at += 4;
        continue;
      }
    }
    out += text[at];
  }
  ++at;
  return out;
}

// The value after "key": at the top level of `text`, from `from` on: a string or a number.
std::optional<std::string> value_of(std::string_view text, std::string_view key,
                                    std::size_t from = 0) {
  std::string quoted(1, '"');
  quoted.append(key);
  quoted.append("\":");
  std::size_t at = text.find(quoted, from);
  if (at == std::string_view::npos) return std::nullopt;
  at += quoted.size();
  if (at < text.size() && text[at] == '"') return read_string(text, at);
  const std::size_t end = text.find_first_of(",}", at);
  return std::string(text.substr(at, end - at));
}

std::optional<LogEvent> parse_line(std::string_view line) {
  if (!line.starts_with("{\"time_ns\":") || !line.ends_with("}}")) return std::nullopt;
  LogEvent event;
  event.machine = value_of(line, "machine").value_or("");
  event.component = value_of(line, "component").value_or("");
  event.event = value_of(line, "event").value_or("");
  std::size_t at = line.find("\"fields\":{");
  if (at == std::string_view::npos) return std::nullopt;
  at += 10;
  while (at < line.size() && line[at] == '"') {
    const std::string key = read_string(line, at);
    ++at;  // ':'
    std::string value;
    if (line[at] == '"') {
      value = read_string(line, at);
    } else {
      const std::size_t end = line.find_first_of(",}", at);
      value = std::string(line.substr(at, end - at));
      at = end;
    }
    event.fields[key] = value;
    if (at < line.size() && line[at] == ',') ++at;
  }
  return event;
}

std::string next_to_this_binary(const char* name) {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / name).string();
}

}  // namespace

std::string keeld_binary() { return next_to_this_binary("keeld"); }
std::string keelctl_binary() { return next_to_this_binary("keelctl"); }

KeeldProcess::KeeldProcess(const std::vector<std::string>& args, std::string log_path)
    : log_path_(std::move(log_path)), process_(keeld_binary(), args, "/dev/null", log_path_) {}

std::vector<LogEvent> read_log(const std::string& path) {
  std::vector<LogEvent> events;
  std::ifstream in(path);
  std::string line;
  // A line without its newline is still being written by keeld: it is left for the next read.
  while (std::getline(in, line) && !in.eof()) {
    if (auto event = parse_line(line)) events.push_back(std::move(*event));
  }
  return events;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool wait_for(const std::function<bool()>& done, Duration bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    // A short pause between two looks at another process's state, which cannot be waited on.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace keel::real::testing
