// env::FileSystem: what a write-ahead log and snapshots need from a disk, and no more.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/chunked_bytes.h"
#include "core/env/error.h"
#include "core/env/types.h"

namespace keel {

// An open file. Writes only append at the end or cut the end off; reads are positional.
//
// Durability contract (what a crash keeps), in the strict POSIX sense:
// - Data appended to a file is durable only once sync() returns successfully. After a crash, the
//   unsynced part of a file may be lost entirely, kept entirely, or kept as a prefix (a torn tail);
//   on a corrupt-tail fault, part of it may survive as garbage. Synced data is never altered.
// - A truncate() is durable only after the next sync().
// - sync() may take a long time (in the simulator, its latency is charged to the machine's clock).
class File {
 public:
  virtual ~File() = default;
  virtual Status append(ByteView data) = 0;
  // Appends bytes [offset, offset + length) of `chunk`, which must lie within it: the same as
  // append() of those bytes, and so by default. A file that keeps its contents in memory (the
  // simulator's) may keep a reference to the immutable chunk instead of a copy (issue 3).
  virtual Status append_shared(const ChunkedBytes::ChunkPtr& chunk, std::size_t offset,
                               std::size_t length) {
    return append(ByteView(chunk->bytes).subspan(offset, length));
  }
  // Reads up to `length` bytes at `offset`; fewer at the end of the file, none past it.
  virtual Result<Bytes> read(std::uint64_t offset, std::size_t length) const = 0;
  virtual std::uint64_t size() const = 0;
  virtual Status truncate(std::uint64_t size) = 0;
  virtual Status sync() = 0;
};

enum class OpenMode {
  kCreateNew,     // fails with kAlreadyExists if the file exists
  kOpenExisting,  // fails with kNotFound if it does not
  kCreateOrOpen,
};

// Paths are '/'-separated, relative to the machine's data directory; "" is the directory itself.
//
// Namespace contract: creating, renaming and removing entries in a directory is durable only after
// sync_dir() of that directory returns. After a crash, the directory shows the synced state plus an
// in-order prefix of the changes made since (a journalling file system's behaviour). rename() onto
// an existing name replaces it atomically.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual Result<std::unique_ptr<File>> open(std::string_view path, OpenMode mode) = 0;
  virtual Status rename(std::string_view from, std::string_view to) = 0;
  virtual Status remove(std::string_view path) = 0;
  virtual Status create_dir(std::string_view path) = 0;  // ok if it already exists
  virtual Status sync_dir(std::string_view path) = 0;
  // The names (not paths) of the entries in a directory, sorted.
  virtual Result<std::vector<std::string>> list(std::string_view dir) const = 0;
  virtual bool exists(std::string_view path) const = 0;
};

}  // namespace keel
