// End-to-end trade capture through a real gRPC server and PostgreSQL: every validation
// rule with its status, field and value; idempotent replay; cancel and correction;
// size limits; who may submit.
#include <functional>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/test_clearing_house.h"

namespace tc::testing {
namespace {

struct RuleCase {
  std::string name;
  std::function<void(pb::Trade&)> mutate;
  grpc::StatusCode code;
  std::string field;
  std::string value;
};

class ValidationRuleTest : public ::testing::TestWithParam<RuleCase> {
 protected:
  static void SetUpTestSuite() { house_ = new TestClearingHouse(); }
  static void TearDownTestSuite() { delete house_; }
  static TestClearingHouse* house_;
};
TestClearingHouse* ValidationRuleTest::house_ = nullptr;

TEST_P(ValidationRuleTest, RejectsWithFittingStatusFieldAndValueAndWritesNothing) {
  const RuleCase& c = GetParam();
  pb::Trade trade = TestClearingHouse::Trade(absl::StrCat("R-", c.name));
  c.mutate(trade);
  pb::SubmitTradesResponse response = house_->Submit({NewTradeEvent(trade)});
  ASSERT_EQ(response.results_size(), 1);
  const pb::TradeResult& result = response.results(0);
  EXPECT_EQ(result.outcome(), pb::TRADE_OUTCOME_REJECTED);
  EXPECT_EQ(result.code(), static_cast<int>(c.code)) << result.message();
  EXPECT_EQ(result.field(), c.field);
  EXPECT_NE(result.message().find(c.field), std::string::npos) << result.message();
  EXPECT_NE(result.message().find(c.value), std::string::npos) << result.message();
  EXPECT_TRUE(house_->NetPositions().empty());
}

INSTANTIATE_TEST_SUITE_P(
    EveryRule, ValidationRuleTest,
    ::testing::Values(
        RuleCase{"UnknownInstrument", [](pb::Trade& t) { t.set_instrument_id("TKF-209901"); },
                 grpc::NOT_FOUND, "events[0].trade.instrument_id", "TKF-209901"},
        RuleCase{"ExpiredInstrument", [](pb::Trade& t) { t.set_instrument_id("TKF-202610"); },
                 grpc::FAILED_PRECONDITION, "events[0].trade.instrument_id", "TKF-202610"},
        RuleCase{"PriceOffTick", [](pb::Trade& t) { t.set_price_micros(3'126'000); },
                 grpc::INVALID_ARGUMENT, "events[0].trade.price_micros", "3126000"},
        RuleCase{"PriceZero", [](pb::Trade& t) { t.set_price_micros(0); }, grpc::INVALID_ARGUMENT,
                 "events[0].trade.price_micros", "0"},
        RuleCase{"PriceNegative", [](pb::Trade& t) { t.set_price_micros(-5000); },
                 grpc::INVALID_ARGUMENT, "events[0].trade.price_micros", "-5000"},
        RuleCase{"QuantityZero", [](pb::Trade& t) { t.set_quantity(0); }, grpc::INVALID_ARGUMENT,
                 "events[0].trade.quantity", "0"},
        RuleCase{"QuantityNegative", [](pb::Trade& t) { t.set_quantity(-1); },
                 grpc::INVALID_ARGUMENT, "events[0].trade.quantity", "-1"},
        RuleCase{"QuantityOverMaximum", [](pb::Trade& t) { t.set_quantity(10'001); },
                 grpc::INVALID_ARGUMENT, "events[0].trade.quantity", "10001"},
        RuleCase{"UnknownAccount", [](pb::Trade& t) { t.set_buyer_account_id("CM77-H"); },
                 grpc::NOT_FOUND, "events[0].trade.buyer_account_id", "CM77-H"},
        RuleCase{"SuspendedAccount", [](pb::Trade& t) { t.set_seller_account_id("CM02-X"); },
                 grpc::FAILED_PRECONDITION, "events[0].trade.seller_account_id", "CM02-X"},
        RuleCase{"SuspendedMember", [](pb::Trade& t) { t.set_seller_account_id("CM09-H"); },
                 grpc::FAILED_PRECONDITION, "events[0].trade.seller_account_id", "CM09"},
        RuleCase{"SameAccountBothSides", [](pb::Trade& t) { t.set_seller_account_id("CM01-H"); },
                 grpc::INVALID_ARGUMENT, "events[0].trade.seller_account_id", "CM01-H"},
        RuleCase{"LateTradeDate", [](pb::Trade& t) { t.set_trade_date("2026-11-20"); },
                 grpc::FAILED_PRECONDITION, "events[0].trade.trade_date", "2026-11-20"},
        RuleCase{"FutureTradeDate", [](pb::Trade& t) { t.set_trade_date("2026-11-24"); },
                 grpc::FAILED_PRECONDITION, "events[0].trade.trade_date", "2026-11-24"},
        RuleCase{"MalformedTradeDate", [](pb::Trade& t) { t.set_trade_date("23/11/2026"); },
                 grpc::INVALID_ARGUMENT, "events[0].trade.trade_date", "23/11/2026"},
        RuleCase{"MalformedTradeId", [](pb::Trade& t) { t.set_trade_id("bad id;--"); },
                 grpc::INVALID_ARGUMENT, "events[0].trade.trade_id", "bad id;--"},
        RuleCase{"MalformedAccountId", [](pb::Trade& t) { t.set_buyer_account_id("x'y"); },
                 grpc::INVALID_ARGUMENT, "events[0].trade.buyer_account_id", "x\\'y"},
        RuleCase{"MissingExecutionTime", [](pb::Trade& t) { t.clear_executed_at(); },
                 grpc::INVALID_ARGUMENT, "events[0].trade.executed_at", "required"},
        RuleCase{"UnknownTradeType",
                 [](pb::Trade& t) { t.set_trade_type(static_cast<pb::TradeType>(42)); },
                 grpc::INVALID_ARGUMENT, "events[0].trade.trade_type", "42"}),
    [](const ::testing::TestParamInfo<RuleCase>& info) { return info.param.name; });

class TradeCaptureTest : public ::testing::Test {
 protected:
  TestClearingHouse house_;
};

TEST_F(TradeCaptureTest, AcceptsNovatesAndReportsTheBusinessDate) {
  pb::SubmitTradesResponse response =
      house_.Submit({NewTradeEvent(TestClearingHouse::Trade("A1"))});
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).outcome(), pb::TRADE_OUTCOME_ACCEPTED);
  EXPECT_EQ(response.results(0).key(), "A1");
  EXPECT_EQ(response.business_date(), kOpenDate);
  std::map<std::string, int64_t> expected = {{"CM01-H/TKF-202612", 10}, {"CM02-H/TKF-202612", -10}};
  EXPECT_EQ(house_.NetPositions(), expected);
  EXPECT_EQ(house_.CheckedOpenInterest(), 10);
}

TEST_F(TradeCaptureTest, TheSameBatchTwiceAppliesOnce) {
  std::vector<pb::TradeEvent> batch;
  for (int i = 0; i < 50; ++i)
    batch.push_back(NewTradeEvent(TestClearingHouse::Trade(absl::StrCat("B", i), i + 1)));
  pb::SubmitTradesResponse first = house_.Submit(batch);
  pb::SubmitTradesResponse second = house_.Submit(batch);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(first.results(i).outcome(), pb::TRADE_OUTCOME_ACCEPTED);
    EXPECT_EQ(second.results(i).outcome(), pb::TRADE_OUTCOME_ALREADY_ACCEPTED);
  }
  EXPECT_EQ(house_.NetPositions()["CM01-H/TKF-202612"], 50 * 51 / 2);
}

TEST_F(TradeCaptureTest, TheSameIdWithOtherContentIsAlreadyExists) {
  house_.Submit({NewTradeEvent(TestClearingHouse::Trade("C1", 5))});
  pb::SubmitTradesResponse response =
      house_.Submit({NewTradeEvent(TestClearingHouse::Trade("C1", 6))});
  EXPECT_EQ(response.results(0).outcome(), pb::TRADE_OUTCOME_REJECTED);
  EXPECT_EQ(response.results(0).code(), grpc::ALREADY_EXISTS);
  EXPECT_EQ(response.results(0).field(), "events[0].trade.trade_id");
  EXPECT_EQ(house_.NetPositions()["CM01-H/TKF-202612"], 5);
}

TEST_F(TradeCaptureTest, AGoodAndABadTradeInOneBatch) {
  pb::Trade bad = TestClearingHouse::Trade("D2");
  bad.set_price_micros(1);
  pb::SubmitTradesResponse response =
      house_.Submit({NewTradeEvent(TestClearingHouse::Trade("D1")), NewTradeEvent(bad)});
  EXPECT_EQ(response.results(0).outcome(), pb::TRADE_OUTCOME_ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), pb::TRADE_OUTCOME_REJECTED);
  EXPECT_EQ(response.results(1).field(), "events[1].trade.price_micros");
  EXPECT_EQ(house_.NetPositions()["CM01-H/TKF-202612"], 10);
}

TEST_F(TradeCaptureTest, CancelReversesExactlyAndCorrectionReplaces) {
  house_.Submit({NewTradeEvent(TestClearingHouse::Trade("E1", 10)),
                 NewTradeEvent(TestClearingHouse::Trade("E2", 3))});
  pb::SubmitTradesResponse cancel = house_.Submit({CancelEvent("E1")});
  EXPECT_EQ(cancel.results(0).outcome(), pb::TRADE_OUTCOME_ACCEPTED);
  EXPECT_EQ(house_.NetPositions()["CM01-H/TKF-202612"], 3);
  EXPECT_EQ(house_.Submit({CancelEvent("E1")}).results(0).outcome(),
            pb::TRADE_OUTCOME_ALREADY_ACCEPTED);

  pb::Trade replacement = TestClearingHouse::Trade("E2R", 7);
  replacement.set_buyer_account_id("CM01-C1");
  pb::SubmitTradesResponse correct = house_.Submit({CorrectionEvent("E2", replacement)});
  EXPECT_EQ(correct.results(0).outcome(), pb::TRADE_OUTCOME_ACCEPTED);
  EXPECT_EQ(correct.results(0).key(), "E2R");
  std::map<std::string, int64_t> expected = {{"CM01-C1/TKF-202612", 7}, {"CM02-H/TKF-202612", -7}};
  EXPECT_EQ(house_.NetPositions(), expected);
  EXPECT_EQ(house_.Submit({CorrectionEvent("E2", replacement)}).results(0).outcome(),
            pb::TRADE_OUTCOME_ALREADY_ACCEPTED);
  pb::SubmitTradesResponse unknown = house_.Submit({CancelEvent("NOPE")});
  EXPECT_EQ(unknown.results(0).code(), grpc::NOT_FOUND);
  EXPECT_EQ(house_.CheckedOpenInterest(), 7);
}

TEST_F(TradeCaptureTest, ClosingMoreThanIsOpenRejectsOnlyThatEvent) {
  pb::Trade open = TestClearingHouse::Trade("F1", 5);
  open.set_buyer_account_id("CM01-C1");  // customer CM01-C1 long 5
  pb::Trade close_too_much = TestClearingHouse::Trade("F2", 6);
  close_too_much.set_seller_account_id("CM01-C1");
  close_too_much.set_buyer_account_id("CM02-H");
  close_too_much.set_seller_position_effect(pb::POSITION_EFFECT_CLOSE);
  pb::Trade close_some = TestClearingHouse::Trade("F3", 2);
  close_some.set_seller_account_id("CM01-C1");
  close_some.set_buyer_account_id("CM02-H");
  close_some.set_seller_position_effect(pb::POSITION_EFFECT_CLOSE);
  pb::SubmitTradesResponse response = house_.Submit(
      {NewTradeEvent(open), NewTradeEvent(close_too_much), NewTradeEvent(close_some)});
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).outcome(), pb::TRADE_OUTCOME_ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), pb::TRADE_OUTCOME_REJECTED);
  EXPECT_EQ(response.results(1).code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(response.results(1).message().find("CM01-C1"), std::string::npos);
  EXPECT_EQ(response.results(2).outcome(), pb::TRADE_OUTCOME_ACCEPTED);
  // Gross: CM01-C1 long 5 then sells 2 to close: long 3, no short.
  pb::ListPositionsRequest request;
  request.set_account_id("CM01-C1");
  pb::ListPositionsResponse positions;
  grpc::ClientContext context;
  TestClearingHouse::Authorize(context, kCm01Token);
  ASSERT_TRUE(house_.Positions()->ListPositions(&context, request, &positions).ok());
  ASSERT_EQ(positions.positions_size(), 1);
  EXPECT_EQ(positions.positions(0).long_quantity(), 3);
  EXPECT_EQ(positions.positions(0).short_quantity(), 0);
  house_.CheckedOpenInterest();

  // Cancelling the opening trade would now leave CM01-C1 short of what it sold.
  pb::SubmitTradesResponse cancel = house_.Submit({CancelEvent("F1")});
  ASSERT_EQ(cancel.results_size(), 1);
  EXPECT_EQ(cancel.results(0).code(), grpc::FAILED_PRECONDITION);
  // Cancelling the close reopens the position exactly.
  pb::SubmitTradesResponse undo = house_.Submit({CancelEvent("F3")});
  ASSERT_EQ(undo.results_size(), 1);
  EXPECT_EQ(undo.results(0).outcome(), pb::TRADE_OUTCOME_ACCEPTED);
  EXPECT_EQ(house_.NetPositions()["CM01-C1/TKF-202612"], 5);
  house_.CheckedOpenInterest();
}

TEST_F(TradeCaptureTest, AnEmptyEventIsRejectedNamingIt) {
  pb::SubmitTradesResponse response = house_.Submit({pb::TradeEvent()});
  EXPECT_EQ(response.results(0).code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(response.results(0).field(), "events[0]");
}

TEST(TradeCaptureLimitsTest, OversizedBatchAndMessageAreRefusedWhole) {
  TestClearingHouse house(services::IngestLimits{.max_events = 10}, 64 << 10);
  pb::SubmitTradesRequest request;
  for (int i = 0; i < 11; ++i)
    *request.add_events() = NewTradeEvent(TestClearingHouse::Trade(absl::StrCat("G", i)));
  pb::SubmitTradesResponse response;
  grpc::ClientContext context;
  TestClearingHouse::Authorize(context, kExchangeToken);
  grpc::Status status = house.TradeCapture()->SubmitTrades(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("11"), std::string::npos);

  pb::SubmitTradesRequest huge;
  pb::Trade trade = TestClearingHouse::Trade("H1");
  *huge.add_events() = NewTradeEvent(trade);
  huge.mutable_events(0)->mutable_trade()->set_instrument_id(std::string(100 << 10, 'x'));
  grpc::ClientContext huge_context;
  TestClearingHouse::Authorize(huge_context, kExchangeToken);
  status = house.TradeCapture()->SubmitTrades(&huge_context, huge, &response);
  EXPECT_EQ(status.error_code(), grpc::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(house.NetPositions().empty());
}

TEST_F(TradeCaptureTest, OnlyTheExchangeMaySubmit) {
  pb::SubmitTradesRequest request;
  *request.add_events() = NewTradeEvent(TestClearingHouse::Trade("I1"));
  pb::SubmitTradesResponse response;
  {
    grpc::ClientContext context;  // no token
    EXPECT_EQ(house_.TradeCapture()->SubmitTrades(&context, request, &response).error_code(),
              grpc::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, "not-a-known-token-at-all");
    EXPECT_EQ(house_.TradeCapture()->SubmitTrades(&context, request, &response).error_code(),
              grpc::UNAUTHENTICATED);
  }
  for (const char* token : {kCm01Token, kTreasuryToken, kRegulatorToken, kAdminToken}) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, token);
    EXPECT_EQ(house_.TradeCapture()->SubmitTrades(&context, request, &response).error_code(),
              grpc::PERMISSION_DENIED)
        << token;
  }
  EXPECT_TRUE(house_.NetPositions().empty());
}

}  // namespace
}  // namespace tc::testing
