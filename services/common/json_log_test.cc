#include "services/common/json_log.h"

#include "gtest/gtest.h"

namespace tc::services {
namespace {

TEST(JsonLogTest, EscapesWhatJsonAndTerminalsMustNotSeeRaw) {
  EXPECT_EQ(JsonEscaped("plain text 123"), "plain text 123");
  EXPECT_EQ(JsonEscaped("say \"hi\" \\ bye"), "say \\\"hi\\\" \\\\ bye");
  EXPECT_EQ(JsonEscaped("line\nnext\ttab"), "line\\u000anext\\u0009tab");
  // Bytes outside printable ASCII (a caller's invalid UTF-8 included) become \u00XX.
  EXPECT_EQ(JsonEscaped("\xff\x7f"), "\\u00ff\\u007f");
}

TEST(JsonLogTest, LevelsParseByName) {
  EXPECT_EQ(ParseLogLevel("info").value(), LogLevel::kInfo);
  EXPECT_EQ(ParseLogLevel("warning").value(), LogLevel::kWarning);
  EXPECT_EQ(ParseLogLevel("error").value(), LogLevel::kError);
  const absl::Status bad = ParseLogLevel("debug").status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("\"debug\""), absl::string_view::npos) << bad;
}

TEST(JsonLogTest, WritesOneObjectPerLineAndDropsLinesBelowTheLevel) {
  testing::internal::CaptureStderr();
  const absl::Time at = absl::FromUnixSeconds(1'790'000'000);
  JsonLog(LogLevel::kInfo, at)
      .Field("request_id", "00ff")
      .Field("rows", int64_t{42})
      .Field("duration_ms", 1.5)
      .Write();
  SetMinLogLevel(LogLevel::kWarning);
  JsonLog(LogLevel::kInfo, at).Field("dropped", "yes").Write();
  JsonLog(LogLevel::kError, at).Field("kept", "yes").Write();
  SetMinLogLevel(LogLevel::kInfo);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "{\"time\":\"2026-09-21T14:13:20+00:00\",\"level\":\"info\",\"request_id\":\"00ff\","
            "\"rows\":42,\"duration_ms\":1.500}\n"
            "{\"time\":\"2026-09-21T14:13:20+00:00\",\"level\":\"error\",\"kept\":\"yes\"}\n");
}

}  // namespace
}  // namespace tc::services
