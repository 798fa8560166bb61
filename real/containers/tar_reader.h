// TarReader: reads a tar stream entry by entry, as image layers and `docker save` archives are
// written: POSIX ustar headers (with the 155-byte name prefix), PAX extended headers ('x': path,
// linkpath, size, uid, gid; 'g' is skipped) and GNU long names ('L', 'K'), per POSIX.1-2017 pax(1),
// "ustar Interchange Format" and "pax Interchange Format". Every header's checksum is checked.
// Reads from a descriptor without seeking, so a pipe (a decompressor's output) works.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/env/error.h"

namespace keel::real {

struct TarEntry {
  enum class Type { kFile, kHardLink, kSymlink, kCharDevice, kBlockDevice, kDirectory, kFifo };
  Type type = Type::kFile;
  std::string path;         // as stored: relative, maybe with "./" or a trailing '/'
  std::string link_target;  // kHardLink: a path in the archive; kSymlink: the link's text
  std::uint32_t mode = 0;   // permission bits
  std::uint32_t uid = 0, gid = 0;
  std::uint64_t size = 0;  // kFile: bytes of content
  std::uint32_t device_major = 0, device_minor = 0;
};

// Limits: a PAX header or long name past this is refused as corrupt.
inline constexpr std::uint64_t kMaxTarMetadataBytes = 1 << 20;

class TarReader {
 public:
  // `fd` stays owned by the caller and is read from its current position.
  explicit TarReader(int fd) : fd_(fd) {}

  // The next entry, or nothing at the end of the archive. The previous entry's content, if not
  // read, is skipped. Errors: kCorrupt naming the problem, kIo.
  Result<std::optional<TarEntry>> next();
  // Hands the current entry's content to `sink` in chunks; once per entry.
  Status read_content(const std::function<Status(std::string_view)>& sink);

 private:
  Status read_exact(char* into, std::size_t bytes);
  Status skip(std::uint64_t bytes);
  Result<std::string> read_blob(std::uint64_t size);

  int fd_;
  std::uint64_t content_left_ = 0;  // of the current entry
  std::uint64_t padding_left_ = 0;  // to the next 512-byte block
};

}  // namespace keel::real
