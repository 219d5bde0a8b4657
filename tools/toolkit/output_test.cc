// Checks the tools' output: table or JSON, JSON string quoting, and the error and usage
// lines with their exit statuses.
//
//   ctest -R toolkit_test
#include "tools/toolkit/output.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace tc::tools {
namespace {

// What `write` writes to a FILE*.
template <typename Write>
std::string Captured(Write write) {
  std::FILE* file = std::tmpfile();
  EXPECT_NE(file, nullptr);
  write(file);
  std::string text(static_cast<size_t>(std::ftell(file)), '\0');
  std::rewind(file);
  EXPECT_EQ(std::fread(text.data(), 1, text.size(), file), text.size());
  std::fclose(file);
  return text;
}

TextTable OneRow() {
  TextTable table({"ACCOUNT", "NET"});
  table.AddRow({"CM01-H", "-7"});
  return table;
}

TEST(PrintTableOrJsonTest, TheTableUnlessJson) {
  bool asked = false;
  const std::string text = Captured([&](std::FILE* out) {
    auto json = [&]() -> absl::StatusOr<std::string> {
      asked = true;
      return "{}\n";
    };
    EXPECT_TRUE(PrintTableOrJson(false, OneRow(), json, out).ok());
  });
  EXPECT_EQ(text, "ACCOUNT  NET\nCM01-H    -7\n");
  EXPECT_FALSE(asked);
}

TEST(PrintTableOrJsonTest, TheJsonAsIs) {
  const std::string text = Captured([](std::FILE* out) {
    EXPECT_TRUE(
        PrintTableOrJson(
            true, OneRow(), []() -> absl::StatusOr<std::string> { return "{\"net\":-7}\n"; }, out)
            .ok());
  });
  EXPECT_EQ(text, "{\"net\":-7}\n");
}

TEST(PrintTableOrJsonTest, AJsonErrorIsReturnedAndNothingWritten) {
  const std::string text = Captured([](std::FILE* out) {
    EXPECT_EQ(PrintTableOrJson(
                  true, OneRow(),
                  []() -> absl::StatusOr<std::string> { return absl::InternalError("no"); }, out),
              absl::InternalError("no"));
  });
  EXPECT_EQ(text, "");
}

TEST(JsonQuoteTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonQuote(""), "\"\"");
  EXPECT_EQ(JsonQuote("TKF"), "\"TKF\"");
  EXPECT_EQ(JsonQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuote(std::string("\n\t\x1f\0", 4)), "\"\\u000a\\u0009\\u001f\\u0000\"");
  EXPECT_EQ(JsonQuote("caf\xc3\xa9 \x7f"), "\"caf\xc3\xa9 \x7f\"");
}

TEST(ReportErrorTest, WritesWhoAndMessageAndReturnsFailure) {
  int status = -1;
  const std::string text = Captured(
      [&](std::FILE* err) { status = ReportError("clearctl approve", "NOT_FOUND: v", err); });
  EXPECT_EQ(text, "clearctl approve: NOT_FOUND: v\n");
  EXPECT_EQ(status, kExitFailure);
}

TEST(ReportUsageTest, WritesTheUsageAsIsAndReturnsUsage) {
  int status = -1;
  const std::string text =
      Captured([&](std::FILE* err) { status = ReportUsage("usage: tool CMD\n", err); });
  EXPECT_EQ(text, "usage: tool CMD\n");
  EXPECT_EQ(status, kExitUsage);
}

}  // namespace
}  // namespace tc::tools
