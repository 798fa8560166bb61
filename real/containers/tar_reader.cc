#include "real/containers/tar_reader.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/env/str.h"

namespace keel::real {
namespace {

constexpr std::size_t kBlock = 512;

std::uint64_t padding_for(std::uint64_t size) { return (kBlock - size % kBlock) % kBlock; }

// A NUL- or space-terminated field, as ustar stores names.
std::string field(const char* at, std::size_t width) { return std::string(at, strnlen(at, width)); }

// An octal number field; GNU's base-256 form (high bit set) for sizes of 8 GiB and more.
Result<std::uint64_t> number(const char* at, std::size_t width, std::string_view name) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(at);
  if (bytes[0] & 0x80) {
    std::uint64_t value = bytes[0] & 0x7f;
    for (std::size_t i = 1; i < width; ++i) value = (value << 8) | bytes[i];
    return value;
  }
  std::uint64_t value = 0;
  std::size_t i = 0;
  while (i < width && (at[i] == ' ' || at[i] == '\0')) ++i;
  for (; i < width && at[i] >= '0' && at[i] <= '7'; ++i) value = value * 8 + (at[i] - '0');
  for (; i < width; ++i) {
    if (at[i] != ' ' && at[i] != '\0') {
      return fail(Errc::kCorrupt, str("tar header field ", name, " is not octal"));
    }
  }
  return value;
}

// The checksum: the sum of the header's bytes with its own field counted as spaces.
bool checksum_holds(const std::array<char, kBlock>& header, std::uint64_t stored) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < kBlock; ++i) {
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
  }
  return sum == stored;
}

// PAX records: "<length> <key>=<value>\n", the length counting the whole record.
Result<std::vector<std::pair<std::string, std::string>>> pax_records(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> records;
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    std::size_t length = 0;
    for (std::size_t i = 0; i < space && i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return fail(Errc::kCorrupt, "bad pax record length");
      length = length * 10 + (text[i] - '0');
    }
    if (space == std::string_view::npos || length <= space + 1 || length > text.size() ||
        text[length - 1] != '\n') {
      return fail(Errc::kCorrupt, "bad pax record");
    }
    const std::string_view record = text.substr(space + 1, length - space - 2);
    const std::size_t equals = record.find('=');
    if (equals == std::string_view::npos) return fail(Errc::kCorrupt, "pax record without '='");
    records.emplace_back(record.substr(0, equals), record.substr(equals + 1));
    text.remove_prefix(length);
  }
  return records;
}

}  // namespace

Status TarReader::read_exact(char* into, std::size_t bytes) {
  while (bytes > 0) {
    const ssize_t got = ::read(fd_, into, bytes);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail(Errc::kIo, str("read tar: ", std::strerror(errno)));
    if (got == 0) return fail(Errc::kCorrupt, "tar archive ends inside an entry");
    into += got;
    bytes -= static_cast<std::size_t>(got);
  }
  return {};
}

Status TarReader::skip(std::uint64_t bytes) {
  char buffer[16 * 1024];
  while (bytes > 0) {
    const std::size_t chunk = std::min<std::uint64_t>(bytes, sizeof buffer);
    if (auto read = read_exact(buffer, chunk); !read) return read;
    bytes -= chunk;
  }
  return {};
}

Result<std::string> TarReader::read_blob(std::uint64_t size) {
  if (size > kMaxTarMetadataBytes) {
    return fail(Errc::kCorrupt, str("tar metadata of ", size, " bytes is past the limit"));
  }
  std::string blob(size, '\0');
  if (auto read = read_exact(blob.data(), size); !read) return std::unexpected(read.error());
  if (auto skipped = skip(padding_for(size)); !skipped) return std::unexpected(skipped.error());
  return blob;
}

Status TarReader::read_content(const std::function<Status(std::string_view)>& sink) {
  char buffer[64 * 1024];
  while (content_left_ > 0) {
    const std::size_t chunk = std::min<std::uint64_t>(content_left_, sizeof buffer);
    if (auto read = read_exact(buffer, chunk); !read) return read;
    content_left_ -= chunk;
    if (auto taken = sink(std::string_view(buffer, chunk)); !taken) return taken;
  }
  return {};
}

Result<std::optional<TarEntry>> TarReader::next() {
  if (auto skipped = skip(content_left_ + padding_left_); !skipped) {
    return std::unexpected(skipped.error());
  }
  content_left_ = padding_left_ = 0;
  std::optional<std::string> long_path, long_link;
  std::optional<std::uint64_t> pax_size, pax_uid, pax_gid;
  while (true) {
    std::array<char, kBlock> header{};
    const ssize_t first = ::read(fd_, header.data(), 1);
    if (first == 0) return std::nullopt;  // no end-of-archive blocks: tolerated, as GNU tar does
    if (first < 0) return fail(Errc::kIo, str("read tar: ", std::strerror(errno)));
    if (auto rest = read_exact(header.data() + 1, kBlock - 1); !rest) {
      return std::unexpected(rest.error());
    }
    // The archive ends with zero blocks (ustar).
    if (std::all_of(header.begin(), header.end(), [](char c) { return c == 0; })) {
      return std::nullopt;
    }
    auto stored_sum = number(&header[148], 8, "chksum");
    if (!stored_sum) return std::unexpected(stored_sum.error());
    if (!checksum_holds(header, *stored_sum)) return fail(Errc::kCorrupt, "tar header checksum");
    auto size = number(&header[124], 12, "size");
    if (!size) return std::unexpected(size.error());
    const char type = header[156];
    if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
      auto blob = read_blob(*size);
      if (!blob) return std::unexpected(blob.error());
      if (type == 'L') long_path = std::string(blob->c_str());
      if (type == 'K') long_link = std::string(blob->c_str());
      if (type == 'x') {
        auto records = pax_records(*blob);
        if (!records) return std::unexpected(records.error());
        for (const auto& [key, value] : *records) {
          if (key == "path") long_path = value;
          if (key == "linkpath") long_link = value;
          if (key == "size") pax_size = std::strtoull(value.c_str(), nullptr, 10);
          if (key == "uid") pax_uid = std::strtoull(value.c_str(), nullptr, 10);
          if (key == "gid") pax_gid = std::strtoull(value.c_str(), nullptr, 10);
        }
      }
      continue;  // the metadata describes the entry that follows
    }
    TarEntry entry;
    const std::string prefix =
        std::memcmp(&header[257], "ustar", 5) == 0 ? field(&header[345], 155) : std::string();
    entry.path =
        long_path ? *long_path : (prefix.empty() ? "" : prefix + "/") + field(&header[0], 100);
    entry.link_target = long_link ? *long_link : field(&header[157], 100);
    auto mode = number(&header[100], 8, "mode");
    auto uid = number(&header[108], 8, "uid");
    auto gid = number(&header[116], 8, "gid");
    auto major = number(&header[329], 8, "devmajor");
    auto minor = number(&header[337], 8, "devminor");
    if (!mode || !uid || !gid || !major || !minor) {
      return fail(Errc::kCorrupt,
                  str("tar entry '", entry.path, "': a numeric field is not octal"));
    }
    entry.uid = static_cast<std::uint32_t>(pax_uid.value_or(*uid));
    entry.gid = static_cast<std::uint32_t>(pax_gid.value_or(*gid));
    entry.mode = static_cast<std::uint32_t>(*mode & 07777);
    entry.device_major = static_cast<std::uint32_t>(*major);
    entry.device_minor = static_cast<std::uint32_t>(*minor);
    switch (type) {
      case '0':
      case '\0':
      case '7':  // contiguous file: a regular file everywhere but on a few old systems
        entry.type = TarEntry::Type::kFile;
        entry.size = pax_size.value_or(*size);
        break;
      case '1':
        entry.type = TarEntry::Type::kHardLink;
        break;
      case '2':
        entry.type = TarEntry::Type::kSymlink;
        break;
      case '3':
        entry.type = TarEntry::Type::kCharDevice;
        break;
      case '4':
        entry.type = TarEntry::Type::kBlockDevice;
        break;
      case '5':
        entry.type = TarEntry::Type::kDirectory;
        break;
      case '6':
        entry.type = TarEntry::Type::kFifo;
        break;
      default:
        return fail(Errc::kCorrupt,
                    str("tar entry '", entry.path, "' has unknown type '", type, "'"));
    }
    if (entry.path.empty()) return fail(Errc::kCorrupt, "tar entry without a name");
    content_left_ = entry.size;
    padding_left_ = padding_for(entry.size);
    return entry;
  }
}

}  // namespace keel::real
