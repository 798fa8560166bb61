// TarBuilder: writes small ustar archives by hand for tests, so a test can hold entries no tar
// tool would write (".." paths, bad checksums) as well as whiteouts.
#pragma once

#include <array>
#include <cstdio>
#include <cstring>
#include <string>

namespace keel::real::testing {

class TarBuilder {
 public:
  TarBuilder& file(const std::string& name, const std::string& content, int mode = 0644) {
    return entry(name, '0', content, "", mode);
  }
  TarBuilder& dir(const std::string& name, int mode = 0755) {
    return entry(name, '5', "", "", mode);
  }
  TarBuilder& symlink(const std::string& name, const std::string& target) {
    return entry(name, '2', "", target, 0777);
  }
  TarBuilder& hardlink(const std::string& name, const std::string& target) {
    return entry(name, '1', "", target, 0644);
  }
  // The archive so far, with the two zero blocks that end it.
  std::string bytes() const { return data_ + std::string(1024, '\0'); }
  // Spoils the checksum of the last header written.
  TarBuilder& corrupt_last_checksum() {
    data_[last_header_ + 148] ^= 1;
    return *this;
  }

 private:
  TarBuilder& entry(const std::string& name, char type, const std::string& content,
                    const std::string& link, int mode) {
    std::array<char, 512> h{};
    std::memcpy(h.data(), name.data(), std::min<std::size_t>(name.size(), 100));
    std::snprintf(&h[100], 8, "%07o", mode);
    std::snprintf(&h[108], 8, "%07o", 0);
    std::snprintf(&h[116], 8, "%07o", 0);
    std::snprintf(&h[124], 12, "%011zo", content.size());
    std::snprintf(&h[136], 12, "%011o", 0);
    h[156] = type;
    std::memcpy(&h[157], link.data(), std::min<std::size_t>(link.size(), 100));
    std::memcpy(&h[257], "ustar", 6);
    std::memcpy(&h[263], "00", 2);
    std::memset(&h[148], ' ', 8);
    unsigned sum = 0;
    for (char c : h) sum += static_cast<unsigned char>(c);
    std::snprintf(&h[148], 8, "%06o", sum);
    last_header_ = data_.size();
    data_.append(h.data(), h.size());
    data_ += content;
    data_.append((512 - content.size() % 512) % 512, '\0');
    return *this;
  }

  std::string data_;
  std::size_t last_header_ = 0;
};

}  // namespace keel::real::testing
