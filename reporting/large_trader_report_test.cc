#include "reporting/large_trader_report.h"

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "reporting/report_test_day.h"

namespace tc::reporting {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  EXPECT_EQ(lines.back(), "");  // every line ends with a line feed
  lines.pop_back();
  return lines;
}

TEST(LargeTraderReports, AccountsAtTheLevelWithEveryOpenMonthOfTheProduct) {
  // Level 25: CM01-H (30 long) and CM01-C001 (30 short in 202612, so its 202703 too);
  // CM02-H holds 3 and is not reportable.
  absl::StatusOr<LargeTraderFiles> files = WriteLargeTraderReports(TestDay(), {});
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->records, 3);
  const std::vector<std::string> lines = Lines(files->part17);
  ASSERT_EQ(lines.size(), 3u);
  for (const std::string& line : lines) EXPECT_EQ(line.size(), 80u) << "'" << line << "'";
  //                  1 3  6 8           20      28 31   36      44     51 52     59
  EXPECT_EQ(lines[0],
            "RPM01  000CM01-C00120261201TC TKF  20261200        00000000000030"
            "              N");
  EXPECT_EQ(lines[1],
            "RPM01  000CM01-C00120261201TC TKF  20270300        00000030000000"
            "              N");
  EXPECT_EQ(lines[2],
            "RPM01  000000CM01-H20261201TC TKF  20261200        00000300000000"
            "              N");
  EXPECT_EQ(lines[2].substr(7, 12), "000000CM01-H");  // columns 8-19
  EXPECT_EQ(lines[2].substr(51, 7), "0000030");       // columns 52-58, long

  const std::vector<std::string> csv = Lines(files->csv);
  ASSERT_EQ(csv.size(), 4u);
  EXPECT_EQ(csv[0], kLargeTraderCsvHeader);
  EXPECT_EQ(csv[1], "2026-12-01,CM01,CM01-C001,CUSTOMER,TKF,202612,TKF-202612,0,30,25");
  EXPECT_EQ(csv[3], "2026-12-01,CM01,CM01-H,HOUSE,TKF,202612,TKF-202612,30,0,25");
}

TEST(LargeTraderReports, LevelPerProductAndCorrectionRecords) {
  ReportableLevels levels;
  levels.by_product["TKF"] = 31;  // nobody holds 31 in a month or across months
  absl::StatusOr<LargeTraderFiles> files = WriteLargeTraderReports(TestDay(), levels);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->records, 0);
  EXPECT_EQ(files->part17, "");
  EXPECT_EQ(files->csv, absl::StrCat(kLargeTraderCsvHeader, "\n"));

  levels.by_product["TKF"] = 33;  // CM01-C001: 30 short + 3 long; no side reaches 33
  EXPECT_EQ(WriteLargeTraderReports(TestDay(), levels)->records, 0);
  levels.by_product["TKF"] = 3;  // everyone
  ReportDay day = TestDay();
  day.pass = 2;
  files = WriteLargeTraderReports(day, levels);
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->records, 4);
  for (const std::string& line : Lines(files->part17)) EXPECT_EQ(line.back(), 'C');
}

TEST(LargeTraderReports, LongIdsKeepTheirColumnsAndTheCsvKeepsThemWhole) {
  ReportDay day = TestDay();
  day.accounts[0].account_id = "CM01-HOUSE-PROPRIETARY";  // 22 characters
  day.positions[0].account_id = day.accounts[0].account_id;
  day.margins[0].account_id = day.accounts[0].account_id;
  day.instruments[0].product_code = "TOKENFUT";  // 8 characters
  absl::StatusOr<LargeTraderFiles> files = WriteLargeTraderReports(day, {});
  ASSERT_TRUE(files.ok()) << files.status();
  const std::vector<std::string> lines = Lines(files->part17);
  // December is now product TOKENFUT, March still TKF: CM01-C001's 3 March longs are
  // below TKF's level on their own, so only the two December positions are reported.
  ASSERT_EQ(lines.size(), 2u);
  for (const std::string& line : lines) EXPECT_EQ(line.size(), 80u) << "'" << line << "'";
  EXPECT_EQ(lines[1].substr(7, 12), "-PROPRIETARY");  // its last 12 characters
  EXPECT_EQ(lines[1].substr(30, 5), "TOKEN");         // the product's first 5
  EXPECT_EQ(Lines(files->csv)[2],
            "2026-12-01,CM01,CM01-HOUSE-PROPRIETARY,HOUSE,TOKENFUT,202612,TKF-202612,30,0,25");
}

TEST(LargeTraderReports, RefusesAQuantityWiderThanItsColumns) {
  ReportDay day = TestDay();
  day.positions[0].eod_long = 10'000'000;
  EXPECT_EQ(WriteLargeTraderReports(day, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tc::reporting
