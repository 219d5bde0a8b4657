// Checks the tools' file helpers: whole-file reads (binary-safe, bounded), writes, and
// errors that name the file.
//
//   ctest -R toolkit_test
#include "tools/toolkit/file.h"

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace tc::tools {
namespace {

std::string TempPath(const std::string& name) {
  return absl::StrCat(::testing::TempDir(), "/toolkit_file_test_", name);
}

TEST(ReadFileTest, ReadsEveryByte) {
  const std::string path = TempPath("bytes");
  const std::string bytes("a,1\n\0\r\nz", 8);
  ASSERT_TRUE(WriteFile(path, bytes).ok());
  absl::StatusOr<std::string> read = ReadFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, bytes);
  std::remove(path.c_str());
}

TEST(ReadFileTest, ReadsAnEmptyFile) {
  const std::string path = TempPath("empty");
  ASSERT_TRUE(WriteFile(path, "").ok());
  absl::StatusOr<std::string> read = ReadFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "");
  std::remove(path.c_str());
}

TEST(ReadFileTest, AMissingFileIsNotFoundNamingThePath) {
  const std::string path = TempPath("missing");
  absl::StatusOr<std::string> read = ReadFile(path);
  EXPECT_EQ(read.status(), absl::NotFoundError(path + ": cannot open"));
}

TEST(ReadFileTest, AFileOverTheLimitIsRefused) {
  const std::string path = TempPath("large");
  ASSERT_TRUE(WriteFile(path, "12345").ok());
  EXPECT_TRUE(ReadFile(path, 5).ok());
  EXPECT_EQ(ReadFile(path, 4).status(), absl::InvalidArgumentError(path + ": larger than 4 bytes"));
  std::remove(path.c_str());
}

TEST(WriteFileTest, ReplacesTheContents) {
  const std::string path = TempPath("replace");
  ASSERT_TRUE(WriteFile(path, "a longer first version").ok());
  ASSERT_TRUE(WriteFile(path, "short").ok());
  EXPECT_EQ(*ReadFile(path), "short");
  std::remove(path.c_str());
}

TEST(WriteFileTest, AnUnwritablePathIsInternalNamingThePath) {
  const std::string path = TempPath("no/such/dir/out.spn");
  EXPECT_EQ(WriteFile(path, "x"), absl::InternalError("cannot write " + path));
}

TEST(InFileTest, PrefixesThePathAndKeepsTheCode) {
  EXPECT_EQ(InFile("book.csv", absl::InvalidArgumentError("line 3: bad quantity")),
            absl::InvalidArgumentError("book.csv: line 3: bad quantity"));
  EXPECT_EQ(InFile("book.csv", absl::OkStatus()), absl::OkStatus());
}

}  // namespace
}  // namespace tc::tools
