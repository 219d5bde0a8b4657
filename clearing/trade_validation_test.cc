#include "clearing/trade_validation.h"

#include <string>

#include "clearing/test_reference.h"
#include "gtest/gtest.h"

namespace tc::clearing {
namespace {

using ::tc::clearing::testing::SampleSnapshot;
using ::tc::clearing::testing::SampleTrade;

struct Case {
  std::string name;
  void (*mutate)(Trade&);
  absl::StatusCode code;
  std::string field;
  std::string value_in_message;
};

class TradeValidationTest : public ::testing::TestWithParam<Case> {};

std::optional<Rejection> Validate(const Trade& trade) {
  if (auto r = CheckTradeFields(trade, "trade")) return r;
  return CheckTradeAgainstReference(trade, SampleSnapshot(), "trade");
}

TEST(TradeValidation, AcceptsAValidTrade) { EXPECT_FALSE(Validate(SampleTrade()).has_value()); }

TEST_P(TradeValidationTest, RejectsWithStatusFieldAndValue) {
  const Case& c = GetParam();
  Trade trade = SampleTrade();
  c.mutate(trade);
  std::optional<Rejection> rejection = Validate(trade);
  ASSERT_TRUE(rejection.has_value());
  EXPECT_EQ(rejection->code, c.code) << rejection->message;
  EXPECT_EQ(rejection->field, c.field);
  EXPECT_NE(rejection->message.find(c.field), std::string::npos) << rejection->message;
  EXPECT_NE(rejection->message.find(c.value_in_message), std::string::npos) << rejection->message;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, TradeValidationTest,
    ::testing::Values(
        Case{"MalformedTradeId", [](Trade& t) { t.trade_id = "bad id"; },
             absl::StatusCode::kInvalidArgument, "trade.trade_id", "bad id"},
        Case{"EmptyTradeId", [](Trade& t) { t.trade_id = ""; }, absl::StatusCode::kInvalidArgument,
             "trade.trade_id", "required"},
        Case{"UnknownInstrument", [](Trade& t) { t.instrument_id = "TKF-209912"; },
             absl::StatusCode::kNotFound, "trade.instrument_id", "TKF-209912"},
        Case{"ExpiredInstrument", [](Trade& t) { t.instrument_id = "TKF-202610"; },
             absl::StatusCode::kFailedPrecondition, "trade.instrument_id", "TKF-202610"},
        Case{"ZeroPrice", [](Trade& t) { t.price_micros = 0; }, absl::StatusCode::kInvalidArgument,
             "trade.price_micros", "0"},
        Case{"NegativePrice", [](Trade& t) { t.price_micros = -5000; },
             absl::StatusCode::kInvalidArgument, "trade.price_micros", "-5000"},
        Case{"PriceOffTick", [](Trade& t) { t.price_micros = 3'126'000; },
             absl::StatusCode::kInvalidArgument, "trade.price_micros", "3126000"},
        Case{"PriceNearInt64Max", [](Trade& t) { t.price_micros = 9'223'372'036'854'775'000; },
             absl::StatusCode::kInvalidArgument, "trade.price_micros", "9223372036854775000"},
        Case{"PriceAboveProductMaximum", [](Trade& t) { t.price_micros = 1'000'005'000; },
             absl::StatusCode::kInvalidArgument, "trade.price_micros", "1000005000"},
        Case{"ZeroQuantity", [](Trade& t) { t.quantity = 0; }, absl::StatusCode::kInvalidArgument,
             "trade.quantity", "0"},
        Case{"NegativeQuantity", [](Trade& t) { t.quantity = -3; },
             absl::StatusCode::kInvalidArgument, "trade.quantity", "-3"},
        Case{"QuantityOverMaximum", [](Trade& t) { t.quantity = 10'001; },
             absl::StatusCode::kInvalidArgument, "trade.quantity", "10001"},
        Case{"UnknownBuyer", [](Trade& t) { t.buyer_account_id = "NOPE"; },
             absl::StatusCode::kNotFound, "trade.buyer_account_id", "NOPE"},
        Case{"SuspendedSeller", [](Trade& t) { t.seller_account_id = "CM02-X"; },
             absl::StatusCode::kFailedPrecondition, "trade.seller_account_id", "CM02-X"},
        Case{"SuspendedMember", [](Trade& t) { t.seller_account_id = "CM09-H"; },
             absl::StatusCode::kFailedPrecondition, "trade.seller_account_id", "CM09"},
        Case{"SameAccountBothSides", [](Trade& t) { t.seller_account_id = t.buyer_account_id; },
             absl::StatusCode::kInvalidArgument, "trade.seller_account_id", "CM01-H"},
        Case{"LateTrade", [](Trade& t) { t.trade_date = absl::CivilDay(2026, 11, 20); },
             absl::StatusCode::kFailedPrecondition, "trade.trade_date", "2026-11-20"},
        Case{"FutureTrade", [](Trade& t) { t.trade_date = absl::CivilDay(2026, 11, 24); },
             absl::StatusCode::kFailedPrecondition, "trade.trade_date", "2026-11-24"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(TradeValidation, NoOpenBusinessDateRefusesTrades) {
  ReferenceSnapshot snapshot = SampleSnapshot();
  snapshot.open_business_date.reset();
  std::optional<Rejection> rejection = CheckTradeAgainstReference(SampleTrade(), snapshot, "trade");
  ASSERT_TRUE(rejection.has_value());
  EXPECT_EQ(rejection->code, absl::StatusCode::kFailedPrecondition);
}

TEST(TradeValidation, NotionalThatOverflowsIsRefusedEvenIfTheProductRowAllowsIt) {
  // A stored product row that escaped validation (ceiling 2e15, quantity 5,000) must still
  // not admit a trade whose notional overflows int64.
  ReferenceSnapshot snapshot = SampleSnapshot();
  snapshot.products["TKF"].max_price_micros = 2'000'000'000'000'000;
  Trade trade = SampleTrade();
  trade.price_micros = 1'000'000'000'000;  // the global ceiling, on tick
  trade.quantity = 10'000;
  std::optional<Rejection> rejection = CheckTradeAgainstReference(trade, snapshot, "trade");
  ASSERT_TRUE(rejection.has_value());
  EXPECT_EQ(rejection->field, "trade.quantity");
  EXPECT_NE(rejection->message.find("notional"), std::string::npos) << rejection->message;
}

TEST(TradeNotionalMicros, ChecksOverflow) {
  EXPECT_EQ(TradeNotionalMicros(3'125'000, 10, 1000), 31'250'000'000);
  EXPECT_EQ(TradeNotionalMicros(2'000'000'000'000'000, 5'000, 1000), std::nullopt);
  EXPECT_EQ(TradeNotionalMicros(INT64_MAX, 1, 2), std::nullopt);
}

}  // namespace
}  // namespace tc::clearing
