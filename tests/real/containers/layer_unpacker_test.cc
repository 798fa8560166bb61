// TarReader and apply_layer: tar entries read back as written (by hand and by GNU tar), layers
// applied in order with the OCI whiteout rules, and layers that try to write outside their root
// refused or kept inside.
#include "real/containers/layer_unpacker.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/env/str.h"
#include "real/containers/tar_builder.h"
#include "real/containers/tar_reader.h"
#include "real/containers/unique_fd.h"
#include "real/support/temp_dir.h"

namespace keel::real::testing {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class LayerTest : public ::testing::Test {
 protected:
  // Writes the archive to a file and applies it onto the root.
  Status apply(const std::string& archive) {
    const std::string path = scratch_ / str("layer", layers_++, ".tar");
    std::ofstream(path, std::ios::binary) << archive;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    return apply_layer(fd.get(), root());
  }
  std::string root() const { return root_.path(); }
  fs::path at(const std::string& inside) const { return fs::path(root_.path()) / inside; }

  TempDir root_, scratch_;
  int layers_ = 0;
};

TEST_F(LayerTest, EntriesAreWrittenWithTheirKindsAndModes) {
  ASSERT_TRUE(apply(TarBuilder()
                        .dir("./bin/")
                        .file("./bin/tool", "#!/bin/sh\n", 0755)
                        .file("etc/motd", "hello\n", 0600)
                        .symlink("sbin", "bin")
                        .hardlink("etc/motd.link", "etc/motd")
                        .bytes()));
  EXPECT_EQ(read_text(at("bin/tool")), "#!/bin/sh\n");
  EXPECT_EQ(fs::status(at("bin/tool")).permissions() & fs::perms::all, fs::perms(0755));
  EXPECT_EQ(fs::status(at("etc/motd")).permissions() & fs::perms::all, fs::perms(0600));
  EXPECT_TRUE(fs::is_directory(at("etc"))) << "a missing parent is made";
  EXPECT_EQ(fs::read_symlink(at("sbin")), "bin");
  EXPECT_EQ(fs::hard_link_count(at("etc/motd")), 2u);
}

TEST_F(LayerTest, WhiteoutsDeleteWhatTheLayersBelowPut) {
  ASSERT_TRUE(apply(TarBuilder()
                        .file("a/keep", "1")
                        .file("a/gone", "2")
                        .file("tree/deep/file", "3")
                        .file("opaque/old", "4")
                        .file("replaced", "file")
                        .bytes()));
  ASSERT_TRUE(apply(TarBuilder()
                        .file("a/.wh.gone", "")
                        .file(".wh.tree", "")
                        .file(".wh.never-existed", "")
                        .file("opaque/new", "5")
                        .file("opaque/.wh..wh..opq", "")
                        .dir("replaced")
                        .bytes()));
  EXPECT_TRUE(fs::exists(at("a/keep")));
  EXPECT_FALSE(fs::exists(at("a/gone")));
  EXPECT_FALSE(fs::exists(at("a/.wh.gone"))) << "a whiteout is not a file of the result";
  EXPECT_FALSE(fs::exists(at("tree")));
  EXPECT_FALSE(fs::exists(at("opaque/old")));
  EXPECT_EQ(read_text(at("opaque/new")), "5") << "an opaque marker spares its own layer";
  EXPECT_TRUE(fs::is_directory(at("replaced")));
}

TEST_F(LayerTest, SymlinksAreFollowedInsideTheRootOnly) {
  TempDir outside;
  // etc points at a host directory by an absolute path, and lib climbs with "..": inside the root
  // both mean directories of the root (RESOLVE_IN_ROOT treats the root as "/").
  ASSERT_TRUE(apply(TarBuilder()
                        .dir(outside.path().substr(1))
                        .symlink("etc", outside.path())
                        .dir("usr/lib")
                        .symlink("lib", "../../../../usr/lib")
                        .bytes()));
  ASSERT_TRUE(apply(TarBuilder().file("etc/passwd", "root:x:0:0\n").file("lib/libc", "c").bytes()));
  EXPECT_FALSE(fs::exists(fs::path(outside.path()) / "passwd")) << "the layer wrote on the host";
  EXPECT_EQ(read_text(at(outside.path().substr(1) + "/passwd")), "root:x:0:0\n");
  EXPECT_EQ(read_text(at("usr/lib/libc")), "c");
}

TEST_F(LayerTest, ClimbingOutIsRefused) {
  const auto climbing = apply(TarBuilder().file("../escape", "x").bytes());
  ASSERT_FALSE(climbing);
  EXPECT_EQ(climbing.error().code, Errc::kCorrupt);
  EXPECT_NE(climbing.error().message.find("climbs out"), std::string::npos);
  const auto linking = apply(TarBuilder().hardlink("passwd", "../../etc/passwd").bytes());
  ASSERT_FALSE(linking);
  EXPECT_FALSE(fs::exists(fs::path(scratch_.path()).parent_path() / "escape"));
}

TEST_F(LayerTest, CorruptArchivesAreRefused) {
  const auto bad_sum = apply(TarBuilder().file("a", "x").corrupt_last_checksum().bytes());
  ASSERT_FALSE(bad_sum);
  EXPECT_NE(bad_sum.error().message.find("checksum"), std::string::npos);
  std::string truncated = TarBuilder().file("a", std::string(2000, 'x')).bytes();
  truncated.resize(1024);
  const auto cut = apply(truncated);
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().message.find("ends inside an entry"), std::string::npos);
}

TEST_F(LayerTest, ReadsWhatGnuTarWritesIncludingLongNames) {
  TempDir source;
  const std::string long_dir = std::string(120, 'd');
  fs::create_directories(fs::path(source.path()) / long_dir);
  std::ofstream(fs::path(source.path()) / long_dir / "file") << "long";
  fs::create_symlink(std::string(150, 't'), fs::path(source.path()) / "long-link");
  for (const char* format : {"pax", "gnu"}) {
    const std::string archive = scratch_ / str(format, ".tar");
    const std::string command =
        str("tar --format=", format, " -C ", source.path(), " -cf ", archive, " .");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    UniqueFd fd(::open(archive.c_str(), O_RDONLY | O_CLOEXEC));
    TempDir unpacked;
    ASSERT_TRUE(apply_layer(fd.get(), unpacked.path())) << format;
    EXPECT_EQ(read_text(fs::path(unpacked.path()) / long_dir / "file"), "long") << format;
    EXPECT_EQ(fs::read_symlink(fs::path(unpacked.path()) / "long-link"), std::string(150, 't'));
  }
}

}  // namespace
}  // namespace keel::real::testing
