#include "core/sha256.h"

#include <string>

#include "gtest/gtest.h"

namespace tc {
namespace {

// FIPS 180-4 / NIST example vectors, covering the one- and two-block padding cases.
TEST(Sha256Test, MatchesPublishedVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, BoundaryLengthsDiffer) {
  // 55, 56 and 64 bytes straddle the padding boundary; all digests must differ.
  EXPECT_NE(Sha256Hex(std::string(55, 'x')), Sha256Hex(std::string(56, 'x')));
  EXPECT_NE(Sha256Hex(std::string(63, 'x')), Sha256Hex(std::string(64, 'x')));
}

TEST(RecordDigestTest, IsTheSha256OfLengthPrefixedFields) {
  // "ab" as a field: its length as 8 big-endian bytes, then the bytes.
  const std::string framed = std::string(
                                 "\0\0\0\0\0\0\0\x02"
                                 "ab",
                                 10) +
                             std::string("\0\0\0\0\0\0\x01\x00", 8);
  RecordDigest digest;
  digest.Add("ab").Add(int64_t{256});
  EXPECT_EQ(ToHex(digest.Finish()), Sha256Hex(framed));
}

TEST(RecordDigestTest, FieldBoundariesMatter) {
  RecordDigest one;
  one.Add("ab").Add("c");
  RecordDigest other;
  other.Add("a").Add("bc");
  EXPECT_NE(one.Finish(), other.Finish());
}

}  // namespace
}  // namespace tc
