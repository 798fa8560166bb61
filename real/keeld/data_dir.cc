#include "real/keeld/data_dir.h"

#include <charconv>
#include <optional>
#include <vector>

#include "core/env/str.h"

namespace keel::real::keeld {
namespace {

constexpr std::string_view kMagicLine = "keeld-identity 1";
constexpr std::string_view kTemporary = "keeld.identity.tmp";
constexpr std::size_t kMaxIdentityBytes = 4096;

std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::string describe(const DataDirIdentity& identity) {
  return str("cluster ", identity.cluster, " member ", identity.name, " (id ", identity.id, ")");
}

Status write_identity(FileSystem& fs, const DataDirIdentity& identity) {
  if (fs.exists(kTemporary)) {
    if (Status removed = fs.remove(kTemporary); !removed) return removed;
  }
  auto file = fs.open(kTemporary, OpenMode::kCreateNew);
  if (!file) return std::unexpected(file.error());
  const std::string text = encode_identity(identity);
  const ByteView bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  if (Status appended = (*file)->append(bytes); !appended) return appended;
  if (Status synced = (*file)->sync(); !synced) return synced;
  if (Status renamed = fs.rename(kTemporary, kIdentityFile); !renamed) return renamed;
  return fs.sync_dir("");
}

}  // namespace

std::string encode_identity(const DataDirIdentity& identity) {
  return str(kMagicLine, "\ncluster ", identity.cluster, "\nname ", identity.name, "\nid ",
             identity.id, "\n");
}

Result<DataDirIdentity> decode_identity(std::string_view text, std::string_view label) {
  constexpr std::string_view kKeys[] = {"cluster", "name", "id"};
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    if (end == std::string_view::npos) {
      return fail(Errc::kCorrupt, str(label, " line ", lines.size() + 1, ": no final newline"));
    }
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  if (lines.size() != 1 + std::size(kKeys) || lines[0] != kMagicLine) {
    return fail(Errc::kCorrupt,
                str(label, ": expected '", kMagicLine, "' and the lines cluster, name, id; found ",
                    lines.size(), " lines"));
  }
  std::string_view values[std::size(kKeys)];
  for (std::size_t i = 0; i < std::size(kKeys); ++i) {
    const std::string_view line = lines[i + 1];
    if (!line.starts_with(kKeys[i]) || line.size() <= kKeys[i].size() + 1 ||
        line[kKeys[i].size()] != ' ') {
      return fail(Errc::kCorrupt, str(label, " line ", i + 2, ": expected '", kKeys[i],
                                      " <value>', got '", line, "'"));
    }
    values[i] = line.substr(kKeys[i].size() + 1);
  }
  const auto cluster = parse_decimal(values[0]);
  const auto id = parse_decimal(values[2]);
  if (!cluster || !id) {
    return fail(Errc::kCorrupt,
                str(label, " line ", cluster ? 4 : 2, ": expected a decimal number"));
  }
  return DataDirIdentity{*cluster, std::string(values[1]), NodeId{*id}};
}

Result<DataDirStart> claim_data_dir(FileSystem& fs, const DataDirIdentity& identity,
                                    std::string_view label) {
  const std::string path = str(label, "/", kIdentityFile);
  if (!fs.exists(kIdentityFile)) {
    if (Status written = write_identity(fs, identity); !written) {
      return std::unexpected(written.error());
    }
    return DataDirStart::kFresh;
  }
  auto file = fs.open(kIdentityFile, OpenMode::kOpenExisting);
  if (!file) return std::unexpected(file.error());
  if ((*file)->size() > kMaxIdentityBytes) {
    return fail(Errc::kCorrupt, str(path, ": larger than ", kMaxIdentityBytes, " bytes"));
  }
  auto bytes = (*file)->read(0, kMaxIdentityBytes);
  if (!bytes) return std::unexpected(bytes.error());
  auto found = decode_identity(
      std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), path);
  if (!found) return std::unexpected(found.error());
  if (*found != identity) {
    return fail(
        Errc::kInvalidArgument,
        str("data directory ", label, " belongs to ", describe(*found), ", but this keeld is ",
            describe(identity), ": refusing to start (use another --data-dir)"));
  }
  return DataDirStart::kRestart;
}

}  // namespace keel::real::keeld
