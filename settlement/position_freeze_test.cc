#include "settlement/position_freeze.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace tc::settlement {
namespace {

clearing::Trade T(const std::string& id, const std::string& buyer, const std::string& seller,
                  int64_t quantity, const std::string& instrument = "TKF-202612") {
  clearing::Trade t;
  t.trade_id = id;
  t.instrument_id = instrument;
  t.price_micros = 3'000'000;
  t.quantity = quantity;
  t.buyer_account_id = buyer;
  t.seller_account_id = seller;
  return t;
}

TEST(FreezePositionsTest, StartPlusTradesIsEndOfDay) {
  // A-H was long 10, B-H short 10. Today A sells 4 to C, C buys 3 more from B.
  const std::vector<StartOfDayPosition> sod = {{"A-H", "TKF-202612", 10, 0},
                                               {"B-H", "TKF-202612", 0, 10}};
  const std::vector<clearing::Trade> trades = {T("t1", "C-C1", "A-H", 4),
                                               T("t2", "C-C1", "B-H", 3)};
  const std::vector<StartOfDayPosition> eod = {
      {"A-H", "TKF-202612", 6, 0}, {"B-H", "TKF-202612", 0, 13}, {"C-C1", "TKF-202612", 7, 0}};
  auto frozen = FreezePositions(sod, trades, eod);
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  ASSERT_EQ(frozen->size(), 3u);
  const FrozenPosition& a = (*frozen)[0];
  EXPECT_EQ(a.account_id, "A-H");
  EXPECT_EQ(a.sod_long, 10);
  EXPECT_EQ(a.sold, 4);
  EXPECT_EQ(a.eod_long, 6);
  const FrozenPosition& c = (*frozen)[2];
  EXPECT_EQ(c.account_id, "C-C1");
  EXPECT_EQ(c.sod_long, 0);
  EXPECT_EQ(c.bought, 7);
  EXPECT_EQ(c.eod_long, 7);
}

TEST(FreezePositionsTest, CustomerGrossCloseKeepsTheNetIdentity) {
  // A customer account long 5 and short 5 buys 2 to close its short: gross 5/3.
  const std::vector<StartOfDayPosition> sod = {
      {"A-C1", "M", 5, 5}, {"B-H", "M", 5, 0}, {"D-H", "M", 0, 5}};
  const std::vector<clearing::Trade> trades = {T("t1", "A-C1", "B-H", 2, "M")};
  const std::vector<StartOfDayPosition> eod = {
      {"A-C1", "M", 5, 3}, {"B-H", "M", 3, 0}, {"D-H", "M", 0, 5}};
  auto frozen = FreezePositions(sod, trades, eod);
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  EXPECT_EQ((*frozen)[0].eod_short, 3);
}

TEST(FreezePositionsTest, AMissingTradeIsRefusedNamingTheRow) {
  const std::vector<StartOfDayPosition> sod = {};
  const std::vector<clearing::Trade> trades = {T("t1", "A-H", "B-H", 4)};
  const std::vector<StartOfDayPosition> eod = {{"A-H", "TKF-202612", 5, 0},
                                               {"B-H", "TKF-202612", 0, 5}};
  auto frozen = FreezePositions(sod, trades, eod);
  EXPECT_EQ(frozen.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(frozen.status().message().find("A-H/TKF-202612"), std::string::npos) << frozen.status();
}

TEST(FreezePositionsTest, OpenInterestMustBalance) {
  // Each row follows from its (absent) trades, but the month's long and short differ.
  const std::vector<StartOfDayPosition> both = {{"A-H", "M", 5, 0}, {"B-H", "M", 0, 4}};
  auto frozen = FreezePositions(both, {}, both);
  EXPECT_EQ(frozen.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(frozen.status().message().find("open interest of M"), std::string::npos);
}

TEST(FreezePositionsTest, UnsortedInputIsRefused) {
  const std::vector<StartOfDayPosition> eod = {{"B-H", "M", 0, 5}, {"A-H", "M", 5, 0}};
  EXPECT_EQ(FreezePositions({}, {}, eod).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(FreezePositionsTest, FlatRowsAreLeftOutButTradedRowsKept) {
  // A traded in and out: all zero at both ends, but the row stays (it traded).
  const std::vector<clearing::Trade> trades = {T("t1", "A-H", "B-H", 2, "M"),
                                               T("t2", "B-H", "A-H", 2, "M")};
  const std::vector<StartOfDayPosition> flat = {{"Z-H", "M", 0, 0}};
  auto frozen = FreezePositions(flat, trades, {});
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  ASSERT_EQ(frozen->size(), 2u);
  EXPECT_EQ((*frozen)[0].bought, 2);
  EXPECT_EQ((*frozen)[0].sold, 2);
}

TEST(SumLegsTest, TotalsPerAccountAndMonthInByteOrder) {
  const std::vector<clearing::Trade> trades = {
      T("t1", "B-H", "A-H", 2, "M"), T("t2", "A-H", "B-H", 5, "M"), T("t3", "B-H", "A-H", 1, "L")};
  auto traded = SumLegs(trades);
  ASSERT_TRUE(traded.ok()) << traded.status();
  std::vector<std::string> rows;
  for (const TradedQuantity& q : *traded) {
    rows.push_back(absl::StrCat(q.account_id, " ", q.instrument_id, " +", q.bought, " -", q.sold));
  }
  EXPECT_EQ(rows,
            (std::vector<std::string>{"A-H L +0 -1", "A-H M +5 -2", "B-H L +1 -0", "B-H M +2 -5"}));
}

TEST(JoinPositionsTest, OneSideOfTheBookJoinsWithoutOpenInterest) {
  // Only A's accounts (a member's open-date view): A-H sold 4 to B-H. The join checks A-H
  // row by row; FreezePositions, which takes its input as the whole book, refuses A's
  // holding alone (long 10, no short side: open interest does not balance).
  const std::vector<StartOfDayPosition> sod = {{"A-H", "M", 10, 0}};
  const std::vector<TradedQuantity> traded = {{"A-H", "M", 0, 4}};
  const std::vector<StartOfDayPosition> live = {{"A-H", "M", 6, 0}};
  auto rows = JoinPositions(sod, traded, live);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].sod_long, 10);
  EXPECT_EQ((*rows)[0].sold, 4);
  EXPECT_EQ((*rows)[0].eod_long, 6);
  EXPECT_EQ(FreezePositions(sod, {}, sod).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(JoinPositionsTest, TotalsThatDoNotExplainTheLivePositionAreRefused) {
  const std::vector<TradedQuantity> traded = {{"A-H", "M", 3, 0}};
  const std::vector<StartOfDayPosition> live = {{"A-H", "M", 4, 0}};
  auto rows = JoinPositions({}, traded, live);
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(rows.status().message().find("A-H/M"), std::string::npos) << rows.status();
}

TEST(JoinPositionsTest, UnsortedOrNegativeTotalsAreRefused) {
  const std::vector<TradedQuantity> unsorted = {{"B-H", "M", 1, 0}, {"A-H", "M", 0, 1}};
  EXPECT_EQ(JoinPositions({}, unsorted, {}).status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<TradedQuantity> negative = {{"A-H", "M", -1, -1}};
  EXPECT_EQ(JoinPositions({}, negative, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tc::settlement
