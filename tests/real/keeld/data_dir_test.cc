#include "real/keeld/data_dir.h"

#include <gtest/gtest.h>

#include <fstream>

#include "real/posix_file_system.h"
#include "real/support/temp_dir.h"

namespace keel::real::keeld {
namespace {

using testing::TempDir;

const DataDirIdentity kN1{7, "n1", 1};

TEST(DataDirTest, FreshThenRestart) {
  TempDir dir;
  PosixFileSystem fs(dir.path());
  auto first = claim_data_dir(fs, kN1, dir.path());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, DataDirStart::kFresh);
  EXPECT_FALSE(fs.exists("keeld.identity.tmp"));
  std::ifstream in(dir / kIdentityFile);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "keeld-identity 1\ncluster 7\nname n1\nid 1\n");

  PosixFileSystem again(dir.path());  // a new process
  auto second = claim_data_dir(again, kN1, dir.path());
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(*second, DataDirStart::kRestart);
}

TEST(DataDirTest, AnotherClusterIsRefusedNamingBoth) {
  TempDir dir;
  PosixFileSystem fs(dir.path());
  ASSERT_TRUE(claim_data_dir(fs, kN1, dir.path()));
  auto refused = claim_data_dir(fs, DataDirIdentity{8, "n1", 1}, dir.path());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(refused.error().message,
            "data directory " + dir.path() +
                " belongs to cluster 7 member n1 (id 1), but this keeld is cluster 8 member n1 "
                "(id 1): refusing to start (use another --data-dir)");
}

TEST(DataDirTest, AnotherMemberIsRefusedNamingBoth) {
  TempDir dir;
  PosixFileSystem fs(dir.path());
  ASSERT_TRUE(claim_data_dir(fs, kN1, dir.path()));
  auto refused = claim_data_dir(fs, DataDirIdentity{7, "n2", 2}, dir.path());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("belongs to cluster 7 member n1 (id 1), but this keeld "
                                         "is cluster 7 member n2 (id 2)"),
            std::string::npos)
      << refused.error().message;
}

TEST(DataDirTest, ALeftoverTemporaryFileFromACrashIsReplaced) {
  TempDir dir;
  std::ofstream(dir / "keeld.identity.tmp") << "keeld-ident";
  PosixFileSystem fs(dir.path());
  auto claimed = claim_data_dir(fs, kN1, dir.path());
  ASSERT_TRUE(claimed) << claimed.error().message;
  EXPECT_EQ(*claimed, DataDirStart::kFresh);
  EXPECT_TRUE(claim_data_dir(fs, kN1, dir.path()));
}

TEST(DataDirTest, AGarbledIdentityIsCorruptNamingFileAndLine) {
  TempDir dir;
  std::ofstream(dir / kIdentityFile) << "keeld-identity 1\ncluster 7\nnam n1\nid 1\n";
  PosixFileSystem fs(dir.path());
  auto refused = claim_data_dir(fs, kN1, dir.path());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kCorrupt);
  EXPECT_EQ(refused.error().message,
            dir.path() + "/keeld.identity line 3: expected 'name <value>', got 'nam n1'");
}

TEST(DataDirTest, IdentityRoundTripsAndBadTextIsRejected) {
  const DataDirIdentity identity{0xffffffffffffffff, "n12", 12};
  EXPECT_EQ(*decode_identity(encode_identity(identity), "f"), identity);
  EXPECT_FALSE(decode_identity("", "f"));
  EXPECT_FALSE(decode_identity("keeld-identity 2\ncluster 7\nname n1\nid 1\n", "f"));
  EXPECT_FALSE(decode_identity("keeld-identity 1\ncluster 7\nname n1\nid 1", "f"));
  EXPECT_EQ(decode_identity("keeld-identity 1\ncluster x\nname n1\nid 1\n", "f").error().message,
            "f line 2: expected a decimal number");
  EXPECT_EQ(decode_identity("keeld-identity 1\ncluster 7\nname n1\nid -1\n", "f").error().message,
            "f line 4: expected a decimal number");
}

}  // namespace
}  // namespace keel::real::keeld
