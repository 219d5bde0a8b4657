#include "core/identifiers.h"

#include <string>

#include "gtest/gtest.h"

namespace tc {
namespace {

TEST(ValidateIdentifierTest, AcceptsWellFormedIds) {
  EXPECT_TRUE(ValidateIdentifier("trade_id", "X1").ok());
  EXPECT_TRUE(ValidateIdentifier("trade_id", "EX:2026-11-23.000123_b").ok());
  EXPECT_TRUE(ValidateIdentifier("trade_id", std::string(64, 'a')).ok());
}

TEST(ValidateIdentifierTest, RejectsMalformedIdsNamingFieldAndValue) {
  absl::Status empty = ValidateIdentifier("trade_id", "");
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(empty.message().find("trade_id"), std::string::npos);

  absl::Status spaced = ValidateIdentifier("account_id", "A 1");
  EXPECT_NE(spaced.message().find("account_id 'A 1'"), std::string::npos);

  EXPECT_FALSE(ValidateIdentifier("trade_id", std::string(65, 'a')).ok());
  EXPECT_FALSE(ValidateIdentifier("trade_id", "-leading").ok());
  EXPECT_FALSE(ValidateIdentifier("trade_id", "quote'").ok());
  EXPECT_FALSE(ValidateIdentifier("trade_id", std::string("nul\0x", 5)).ok());
}

TEST(ValidateIdentifierTest, ErrorMessagesAreBounded) {
  absl::Status status = ValidateIdentifier("trade_id", std::string(100000, '#'));
  EXPECT_LT(status.message().size(), 300u);
}

TEST(ShortenForMessageTest, KeepsShortValuesAndCutsBetweenCharacters) {
  EXPECT_EQ(ShortenForMessage("2026-11-23"), "2026-11-23");
  // 79 ASCII bytes, then a 3-byte character straddling byte 80: the character goes whole.
  const std::string value = std::string(79, 'x') + "\xE2\x82\xAC" + "tail";
  EXPECT_EQ(ShortenForMessage(value), std::string(79, 'x'));
  const std::string ascii(200, 'y');
  EXPECT_EQ(ShortenForMessage(ascii).size(), 80u);
}

}  // namespace
}  // namespace tc
