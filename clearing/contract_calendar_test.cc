#include "clearing/contract_calendar.h"

#include "clearing/test_reference.h"
#include "gtest/gtest.h"

namespace tc::clearing {
namespace {

TEST(ContractCalendarTest, LastBusinessDayRuleSkipsWeekendsAndHolidays) {
  Product product = testing::SampleSnapshot().products["TKF"];
  BusinessCalendar calendar({absl::CivilDay(2026, 12, 31)});
  // 2026-12-31 is a Thursday but a holiday here, so final settlement is the 30th and the
  // last trading day one business day earlier.
  absl::CivilDay final_settlement =
      FinalSettlementDate(product, absl::CivilMonth(2026, 12), calendar);
  EXPECT_EQ(final_settlement, absl::CivilDay(2026, 12, 30));
  EXPECT_EQ(LastTradingDate(product, final_settlement, calendar), absl::CivilDay(2026, 12, 29));
  // January 2027 ends on a Sunday.
  EXPECT_EQ(FinalSettlementDate(product, absl::CivilMonth(2027, 1), calendar),
            absl::CivilDay(2027, 1, 29));
}

TEST(ContractCalendarTest, ThirdWednesdayRule) {
  Product product = testing::SampleSnapshot().products["TKF"];
  product.final_settlement_rule = FinalSettlementRule::kThirdWednesday;
  BusinessCalendar calendar({absl::CivilDay(2026, 12, 16)});
  EXPECT_EQ(FinalSettlementDate(product, absl::CivilMonth(2026, 11), calendar),
            absl::CivilDay(2026, 11, 18));
  EXPECT_EQ(FinalSettlementDate(product, absl::CivilMonth(2026, 12), calendar),
            absl::CivilDay(2026, 12, 17));  // the 16th is a holiday
}

TEST(ContractCalendarTest, ListsTheNextMonthsStillTrading) {
  Product product = testing::SampleSnapshot().products["TKF"];
  product.listed_months = 3;
  BusinessCalendar calendar({});
  // On 2026-11-30 (Monday, the last business day) November has stopped trading.
  std::vector<Instrument> months =
      ContractMonthsToList(product, absl::CivilDay(2026, 11, 30), calendar);
  ASSERT_EQ(months.size(), 3u);
  EXPECT_EQ(months[0].instrument_id, "TKF-202612");
  EXPECT_EQ(months[1].instrument_id, "TKF-202701");
  EXPECT_EQ(months[2].instrument_id, "TKF-202702");
  EXPECT_EQ(months[0].contract_month, "202612");
  EXPECT_EQ(months[0].final_settlement_date, absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(months[0].last_trading_date, absl::CivilDay(2026, 12, 30));

  std::vector<Instrument> earlier =
      ContractMonthsToList(product, absl::CivilDay(2026, 11, 23), calendar);
  EXPECT_EQ(earlier[0].instrument_id, "TKF-202611");
}

}  // namespace
}  // namespace tc::clearing
