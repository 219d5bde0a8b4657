#include "core/business_date.h"

#include "gtest/gtest.h"

namespace tc {
namespace {

TEST(BusinessDateTest, ParsesAndFormatsIsoDates) {
  absl::StatusOr<absl::CivilDay> day = ParseBusinessDate("trade_date", "2026-11-23");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(*day, absl::CivilDay(2026, 11, 23));
  EXPECT_EQ(FormatBusinessDate(*day), "2026-11-23");
}

TEST(BusinessDateTest, RejectsMalformedOrImpossibleDates) {
  for (const char* bad : {"2026-02-30", "2026-13-01", "26-11-23", "2026/11/23", "", "1999-12-31",
                          "2026-11-23T00:00"}) {
    absl::StatusOr<absl::CivilDay> day = ParseBusinessDate("trade_date", bad);
    EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(ParseBusinessDate("trade_date", "x").status().message().find("trade_date 'x'"),
            std::string::npos);
}

TEST(BusinessDateTest, SaysWhatIsWrongWithADate) {
  auto message = [](const char* text) {
    return std::string(ParseBusinessDate("d", text).status().message());
  };
  EXPECT_NE(message("2026/11/23").find("not a date of the form YYYY-MM-DD"), std::string::npos);
  EXPECT_NE(message("2026-02-30").find("not a calendar date"), std::string::npos);
  EXPECT_NE(message("1999-12-31").find("outside 2000-01-01..2199-12-31"), std::string::npos);
  EXPECT_NE(message("2200-01-01").find("outside"), std::string::npos);
}

TEST(BusinessDateTest, KnowsWeekends) {
  EXPECT_TRUE(IsWeekend(absl::CivilDay(2026, 11, 21)));
  EXPECT_TRUE(IsWeekend(absl::CivilDay(2026, 11, 22)));
  EXPECT_FALSE(IsWeekend(absl::CivilDay(2026, 11, 23)));
}

}  // namespace
}  // namespace tc
