// The failure-to-pay restriction end to end, through the real SubmitTrades API and
// PostgreSQL: a member with an open FAILURE_TO_PAY flag (raised here by SQL, as the
// treasury's deadline check would) may only reduce its positions; increases and flips are
// refused naming the flag, cancels and other members' trades go through, and curing the
// flag lifts the restriction. The flag's writes bump the reference version, so the
// server sees a raise or a cure on its next batch with no restart.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/test_clearing_house.h"

namespace tc::testing {
namespace {

constexpr char kInstruction[] = "TC-E-20261123-0001";
constexpr char kReason[] = "collect TC-E-20261123-0001 unconfirmed at its deadline";

// A trade of `quantity` on TKF-202612 in which `buyer` buys from `seller`.
pb::Trade Between(const std::string& trade_id, const std::string& buyer, const std::string& seller,
                  int64_t quantity) {
  pb::Trade trade = TestClearingHouse::Trade(trade_id, quantity);
  trade.set_buyer_account_id(buyer);
  trade.set_seller_account_id(seller);
  return trade;
}

class FailureToPayTest : public ::testing::Test {
 protected:
  void Sql(const std::string& statement) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    tx.exec0(statement);
    tx.commit();
  }

  // An unconfirmed collect of CM01's house origin and the flag on it, as the treasury's
  // deadline check writes them (migrations/0008_treasury_cash.sql).
  void FlagCm01() {
    Sql(absl::StrCat(
        "INSERT INTO payment_instructions (instruction_id, business_date, cycle, member_id,"
        " origin, currency, direction, amount_cents, vm_cents, im_call_cents, release_cents,"
        " bank_aba, member_account_number, ccp_account_number, mandate_id, mandate_signed,"
        " created_at, deadline_at, status) VALUES ('",
        kInstruction, "', '", kOpenDate,
        "', 'EOD', 'CM01', 'HOUSE', 'USD', 'COLLECT', 125000, -125000, 0, 0, '021000021',"
        " 'CM01-USD-1', 'CCP-USD-1', 'MNDT-CM01-1', '2026-01-05', now() - interval '2 hours',"
        " now() - interval '1 hour', 'INSTRUCTED')"));
    Sql(
        absl::StrCat("INSERT INTO member_flags (member_id, flag, instruction_id, reason, raised_at,"
                     " raised_by) VALUES ('CM01', 'FAILURE_TO_PAY', '",
                     kInstruction, "', '", kReason, "', now(), 'test')"));
  }

  void CureCm01() {
    Sql("UPDATE member_flags SET cured_at = now(), cured_by = 'test' WHERE member_id = 'CM01'");
  }

  // Submits one event and returns its result.
  pb::TradeResult SubmitOne(const pb::TradeEvent& event) {
    pb::SubmitTradesResponse response = house_.Submit({event});
    EXPECT_EQ(response.results_size(), 1);
    return response.results_size() == 1 ? response.results(0) : pb::TradeResult();
  }

  static void ExpectRefusedByTheFlag(const pb::TradeResult& result, const std::string& field,
                                     const std::string& move) {
    EXPECT_EQ(result.outcome(), pb::TRADE_OUTCOME_REJECTED) << result.message();
    EXPECT_EQ(result.code(), grpc::FAILED_PRECONDITION) << result.message();
    EXPECT_EQ(result.field(), field);
    EXPECT_NE(result.message().find(absl::StrCat("member CM01 is flagged FAILURE_TO_PAY (", kReason,
                                                 "): only trades that reduce its "
                                                 "positions are accepted; ")),
              std::string::npos)
        << result.message();
    EXPECT_NE(result.message().find(move), std::string::npos) << result.message();
  }

  int64_t Net(const std::string& account) {
    std::map<std::string, int64_t> nets = house_.NetPositions();
    auto it = nets.find(absl::StrCat(account, "/TKF-202612"));
    return it == nets.end() ? 0 : it->second;
  }

  TestClearingHouse house_;
};

TEST_F(FailureToPayTest, AFlaggedMemberMayOnlyReduceUntilTheFlagIsCured) {
  // CM01-H long 10 (CM02-H short 10) before the flag.
  ASSERT_EQ(SubmitOne(NewTradeEvent(Between("P1", "CM01-H", "CM02-H", 10))).outcome(),
            pb::TRADE_OUTCOME_ACCEPTED);
  FlagCm01();

  // Selling 4 reduces: long 10 -> long 6.
  EXPECT_EQ(SubmitOne(NewTradeEvent(Between("R1", "CM02-H", "CM01-H", 4))).outcome(),
            pb::TRADE_OUTCOME_ACCEPTED);
  EXPECT_EQ(Net("CM01-H"), 6);

  // Buying 3 increases.
  ExpectRefusedByTheFlag(SubmitOne(NewTradeEvent(Between("I1", "CM01-H", "CM02-H", 3))),
                         "events[0].trade.buyer_account_id",
                         "this trade takes account CM01-H in TKF-202612 from long 6 to long 9");
  // Selling 10 flips.
  ExpectRefusedByTheFlag(SubmitOne(NewTradeEvent(Between("F1", "CM02-H", "CM01-H", 10))),
                         "events[0].trade.seller_account_id",
                         "this trade takes account CM01-H in TKF-202612 from long 6 to short 4");
  // A flat account of the member cannot be opened either.
  ExpectRefusedByTheFlag(SubmitOne(NewTradeEvent(Between("O1", "CM01-C1", "CM02-H", 1))),
                         "events[0].trade.buyer_account_id",
                         "account CM01-C1 in TKF-202612 from flat to long 1");
  EXPECT_EQ(Net("CM01-H"), 6);

  // Another member trades as before.
  EXPECT_EQ(SubmitOne(NewTradeEvent(Between("U1", "CM02-C1", "CM02-H", 7))).outcome(),
            pb::TRADE_OUTCOME_ACCEPTED);
  EXPECT_EQ(Net("CM02-C1"), 7);

  // Within one batch each trade sees the position the one before it leaves.
  pb::SubmitTradesResponse batch =
      house_.Submit({NewTradeEvent(Between("S1", "CM02-H", "CM01-H", 4)),    // 6 -> 2
                     NewTradeEvent(Between("S2", "CM02-H", "CM01-H", 4))});  // 2 -> -2
  ASSERT_EQ(batch.results_size(), 2);
  EXPECT_EQ(batch.results(0).outcome(), pb::TRADE_OUTCOME_ACCEPTED) << batch.results(0).message();
  ExpectRefusedByTheFlag(batch.results(1), "events[1].trade.seller_account_id",
                         "from long 2 to short 2");
  EXPECT_EQ(Net("CM01-H"), 2);

  // A bust is always accepted, even when it takes the position back up.
  EXPECT_EQ(SubmitOne(CancelEvent("S1")).outcome(), pb::TRADE_OUTCOME_ACCEPTED);
  EXPECT_EQ(Net("CM01-H"), 6);

  // Cured: the increase that was refused is accepted.
  CureCm01();
  EXPECT_EQ(SubmitOne(NewTradeEvent(Between("I1", "CM01-H", "CM02-H", 3))).outcome(),
            pb::TRADE_OUTCOME_ACCEPTED);
  EXPECT_EQ(Net("CM01-H"), 9);
  house_.CheckedOpenInterest();
}

// A batch that falls back to one event at a time (a CLOSE below zero) applies the rule
// there too, on the positions the events before it left.
TEST_F(FailureToPayTest, TheRuleHoldsWhenTheBatchIsAppliedOneByOne) {
  ASSERT_EQ(SubmitOne(NewTradeEvent(Between("P1", "CM01-H", "CM02-H", 10))).outcome(),
            pb::TRADE_OUTCOME_ACCEPTED);
  FlagCm01();
  pb::Trade close_too_much = Between("C1", "CM02-H", "CM02-C1", 5);
  close_too_much.set_seller_position_effect(pb::POSITION_EFFECT_CLOSE);  // CM02-C1 holds none
  pb::SubmitTradesResponse response =
      house_.Submit({NewTradeEvent(Between("R1", "CM02-H", "CM01-H", 7)),    // 10 -> 3
                     NewTradeEvent(close_too_much),                          // refused by the store
                     NewTradeEvent(Between("R2", "CM02-H", "CM01-H", 5)),    // 3 -> -2: flip
                     NewTradeEvent(Between("R3", "CM02-H", "CM01-H", 3))});  // 3 -> 0
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).outcome(), pb::TRADE_OUTCOME_ACCEPTED);
  EXPECT_EQ(response.results(1).outcome(), pb::TRADE_OUTCOME_REJECTED);
  EXPECT_NE(response.results(1).message().find("CM02-C1"), std::string::npos)
      << response.results(1).message();
  ExpectRefusedByTheFlag(response.results(2), "events[2].trade.seller_account_id",
                         "from long 3 to short 2");
  EXPECT_EQ(response.results(3).outcome(), pb::TRADE_OUTCOME_ACCEPTED)
      << response.results(3).message();
  EXPECT_EQ(Net("CM01-H"), 0);
  house_.CheckedOpenInterest();
}

}  // namespace
}  // namespace tc::testing
