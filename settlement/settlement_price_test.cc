// Each tier of the settlement price, on the sample product (TKF: tick 0.005 = 5,000
// micro-USD, multiplier 1,000, ceiling $1,000 per 1M tokens).
#include "settlement/settlement_price.h"

#include "clearing/test_reference.h"
#include "gtest/gtest.h"

namespace tc::settlement {
namespace {

const absl::Time kWindowStart = absl::FromUnixSeconds(1'795'000'000);
const absl::Time kWindowEnd = kWindowStart + absl::Minutes(30);

clearing::Trade TradeAt(const char* id, int64_t price, int64_t quantity, absl::Time at,
                        const char* instrument = "TKF-202612") {
  clearing::Trade t = clearing::testing::SampleTrade(id);
  t.instrument_id = instrument;
  t.price_micros = price;
  t.quantity = quantity;
  t.executed_at = at;
  return t;
}

class SettlementPriceTest : public ::testing::Test {
 protected:
  SettlementPriceTest() : snapshot_(clearing::testing::SampleSnapshot()) {
    inputs_.instrument_id = "TKF-202612";
    inputs_.window_start = kWindowStart;
    inputs_.window_end = kWindowEnd;
  }

  absl::StatusOr<SettlementPrice> Price(const std::vector<clearing::Trade>& trades = {}) {
    return DailySettlementPrice(snapshot_, inputs_, trades);
  }

  clearing::ReferenceSnapshot snapshot_;
  DailyPriceInputs inputs_;
};

TEST_F(SettlementPriceTest, TheExchangePriceComesFirst) {
  inputs_.exchange_price_micros = 3'130'000;
  inputs_.prior_settlement_micros = 3'125'000;
  absl::StatusOr<SettlementPrice> p = Price({TradeAt("T1", 3'200'000, 5, kWindowStart)});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->price_micros, 3'130'000);
  EXPECT_EQ(p->tier, PriceTier::kExchange);
  EXPECT_EQ(p->instrument_id, "TKF-202612");
}

TEST_F(SettlementPriceTest, AnExchangePriceOffTickOrOutOfRangeIsRefused) {
  inputs_.exchange_price_micros = 3'131'000;
  EXPECT_EQ(Price().status().code(), absl::StatusCode::kInvalidArgument);
  inputs_.exchange_price_micros = 0;
  EXPECT_EQ(Price().status().code(), absl::StatusCode::kInvalidArgument);
  inputs_.exchange_price_micros = 1'000'005'000;  // on tick, above the product's ceiling
  EXPECT_EQ(Price().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SettlementPriceTest, VwapOfTheWindowRoundedToTheNearestTick) {
  inputs_.prior_settlement_micros = 3'000'000;
  // (10 x 3.125 + 30 x 3.140) / 40 = 3.13625 = 627.25 ticks -> 627 ticks = 3.135.
  absl::StatusOr<SettlementPrice> p = Price({
      TradeAt("T1", 3'125'000, 10, kWindowStart),
      TradeAt("T2", 3'140'000, 30, kWindowEnd - absl::Seconds(1)),
      TradeAt("T3", 9'000'000, 100, kWindowEnd),                       // after the window
      TradeAt("T4", 9'000'000, 100, kWindowStart - absl::Seconds(1)),  // before it
      TradeAt("T5", 9'000'000, 100, kWindowStart, "TKF-202610"),       // another month
  });
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->tier, PriceTier::kVwap);
  EXPECT_EQ(p->price_micros, 3'135'000);
}

TEST_F(SettlementPriceTest, AVwapHalfwayBetweenTicksRoundsAwayFromZero) {
  // (3.125 + 3.130) / 2 = 3.1275 = 625.5 ticks -> 626 ticks = 3.130.
  absl::StatusOr<SettlementPrice> p =
      Price({TradeAt("T1", 3'125'000, 1, kWindowStart), TradeAt("T2", 3'130'000, 1, kWindowStart)});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->price_micros, 3'130'000);
}

TEST_F(SettlementPriceTest, VwapRefusesBadTradesAndHandlesHugeQuantities) {
  EXPECT_EQ(Price({TradeAt("T1", 3'125'000, 0, kWindowStart)}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Price({TradeAt("T1", -1, 1, kWindowStart)}).status().code(),
            absl::StatusCode::kInvalidArgument);
  const int64_t huge = std::numeric_limits<int64_t>::max();
  absl::StatusOr<SettlementPrice> p = Price({TradeAt("T1", 1'000'000'000, huge, kWindowStart),
                                             TradeAt("T2", 1'000'000'000, huge, kWindowStart)});
  ASSERT_TRUE(p.ok()) << p.status();  // 128-bit sums: no overflow
  EXPECT_EQ(p->price_micros, 1'000'000'000);
}

TEST_F(SettlementPriceTest, NoTradesMovesThePriorSettlementByTheIndex) {
  inputs_.prior_settlement_micros = 3'125'000;
  inputs_.prior_fixing_micros = 3'000'000;
  inputs_.today_fixing_micros = 3'100'000;
  // 3.125 x 3.1 / 3.0 = 3.2291667 = 645.83 ticks -> 646 ticks = 3.230.
  absl::StatusOr<SettlementPrice> p = Price({TradeAt("T1", 3'125'000, 1, kWindowEnd)});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->tier, PriceTier::kIndexAdjusted);
  EXPECT_EQ(p->price_micros, 3'230'000);
}

TEST_F(SettlementPriceTest, AnIndexMoveBeyondTheCeilingIsOutOfRange) {
  inputs_.prior_settlement_micros = 900'000'000;
  inputs_.prior_fixing_micros = 1'000'000;
  inputs_.today_fixing_micros = 2'000'000;
  EXPECT_EQ(Price().status().code(), absl::StatusCode::kOutOfRange);
  inputs_.today_fixing_micros = 0;
  EXPECT_EQ(Price().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SettlementPriceTest, WithoutBothFixingsThePriorSettlementIsCarried) {
  inputs_.prior_settlement_micros = 3'125'000;
  inputs_.today_fixing_micros = 3'100'000;  // no prior fixing
  absl::StatusOr<SettlementPrice> p = Price();
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->tier, PriceTier::kCarried);
  EXPECT_EQ(p->price_micros, 3'125'000);
  inputs_.prior_settlement_micros = 3'125'001;  // off tick
  EXPECT_EQ(Price().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SettlementPriceTest, NoTierAppliesIsAnError) {
  EXPECT_EQ(Price().status().code(), absl::StatusCode::kFailedPrecondition);
  inputs_.instrument_id = "NOPE";
  inputs_.prior_settlement_micros = 3'125'000;
  EXPECT_EQ(Price().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SettlementPriceTest, TheFinalSettlementPriceIsTheFixingOfTheFinalSettlementDate) {
  IndexFixing fixing;
  fixing.index_code = "TOKFRONT";
  fixing.fixing_date = absl::CivilDay(2026, 12, 31);
  fixing.value_micros = 3'127'777;  // not on tick: it is not a traded price
  absl::StatusOr<SettlementPrice> p = FinalSettlementPrice(snapshot_, "TKF-202612", fixing);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->tier, PriceTier::kFinal);
  EXPECT_EQ(p->price_micros, 3'127'777);

  IndexFixing wrong_day = fixing;
  wrong_day.fixing_date = absl::CivilDay(2026, 12, 30);
  EXPECT_EQ(FinalSettlementPrice(snapshot_, "TKF-202612", wrong_day).status().code(),
            absl::StatusCode::kFailedPrecondition);
  IndexFixing wrong_index = fixing;
  wrong_index.index_code = "OTHER";
  EXPECT_EQ(FinalSettlementPrice(snapshot_, "TKF-202612", wrong_index).status().code(),
            absl::StatusCode::kFailedPrecondition);
  IndexFixing bad_value = fixing;
  bad_value.value_micros = 0;
  EXPECT_EQ(FinalSettlementPrice(snapshot_, "TKF-202612", bad_value).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PriceTierTest, Names) {
  EXPECT_EQ(PriceTierName(PriceTier::kExchange), "EXCHANGE");
  EXPECT_EQ(PriceTierName(PriceTier::kVwap), "VWAP");
  EXPECT_EQ(PriceTierName(PriceTier::kIndexAdjusted), "INDEX_ADJUSTED");
  EXPECT_EQ(PriceTierName(PriceTier::kCarried), "CARRIED");
  EXPECT_EQ(PriceTierName(PriceTier::kFinal), "FINAL");
}

}  // namespace
}  // namespace tc::settlement
