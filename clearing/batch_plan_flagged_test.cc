// PlanBatch under the failure-to-pay restriction (clearing/risk_reducing.h): members with
// an open flag may only reduce their positions; everyone else is untouched.
#include "clearing/batch_plan.h"
#include "clearing/payload_hash.h"
#include "clearing/test_reference.h"
#include "gtest/gtest.h"

namespace tc::clearing {
namespace {

using ::tc::clearing::testing::kOpenDate;
using ::tc::clearing::testing::SampleSnapshot;
using ::tc::clearing::testing::SampleTrade;
using Key = std::pair<std::string, std::string>;

constexpr char kInstrument[] = "TKF-202612";

// A trade of `quantity` in which `buyer` buys from `seller`.
Trade Between(const char* trade_id, const char* buyer, const char* seller, int64_t quantity) {
  Trade trade = SampleTrade(trade_id);
  trade.buyer_account_id = buyer;
  trade.seller_account_id = seller;
  trade.quantity = quantity;
  return trade;
}

class FlaggedBatchPlanTest : public ::testing::Test {
 protected:
  FlaggedBatchPlanTest() {
    snapshot_.flagged_members["CM01"] =
        MemberFlagNote{"FAILURE_TO_PAY", "TC-E-20261123-0001",
                       "collect TC-E-20261123-0001 unconfirmed at its deadline"};
  }

  // Plans over the stored trades and nets, then stores what the plan wrote, as the
  // database would, so that the next plan sees it.
  BatchPlan Plan(const std::vector<TradeEvent>& events) {
    BatchPlan plan = PlanBatch(events, snapshot_, stored_, nets_);
    for (const NewTradeRow& row : plan.new_trades) {
      stored_[row.trade.trade_id] = StoredTrade{row.trade, row.payload_hash, kOpenDate, {}};
    }
    for (const CancellationRow& row : plan.cancellations) {
      stored_[row.trade_id].cancellation =
          StoredCancellation{row.is_correction, row.replaced_by, row.payload_hash};
    }
    for (const PositionChange& change : plan.position_changes) {
      nets_[Key{change.account_id, change.instrument_id}] += change.NetDelta();
    }
    return plan;
  }

  // Stores `trade` as accepted earlier today, its position included.
  void Given(const Trade& trade) {
    ASSERT_EQ(Plan({NewTrade{trade}}).results[0].outcome, Outcome::kAccepted);
  }

  void SetNet(const char* account, int64_t net) { nets_[Key{account, kInstrument}] = net; }
  int64_t Net(const char* account) { return nets_[Key{account, kInstrument}]; }

  ReferenceSnapshot snapshot_ = SampleSnapshot();
  StoredTrades stored_;
  NetPositions nets_;
};

TEST_F(FlaggedBatchPlanTest, AReducingTradeIsAccepted) {
  SetNet("CM01-H", 15);
  BatchPlan plan = Plan({NewTrade{Between("T1", "CM02-H", "CM01-H", 10)}});
  ASSERT_EQ(plan.results[0].outcome, Outcome::kAccepted)
      << plan.results[0].rejection.value_or(Rejection{}).message;
  EXPECT_EQ(Net("CM01-H"), 5);
}

TEST_F(FlaggedBatchPlanTest, AnIncreasingTradeIsRejectedNamingTheFlagAndTheMove) {
  SetNet("CM01-H", 5);
  BatchPlan plan = Plan({NewTrade{Between("T1", "CM01-H", "CM02-H", 3)}});
  ASSERT_EQ(plan.results[0].outcome, Outcome::kRejected);
  const Rejection& r = *plan.results[0].rejection;
  EXPECT_EQ(r.code, absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.field, "trade.buyer_account_id");
  EXPECT_EQ(r.message,
            "trade.buyer_account_id 'CM01-H': member CM01 is flagged FAILURE_TO_PAY (collect "
            "TC-E-20261123-0001 unconfirmed at its deadline): only trades that reduce its "
            "positions are accepted; this trade takes account CM01-H in TKF-202612 from long 5 "
            "to long 8");
  EXPECT_TRUE(plan.new_trades.empty());
  EXPECT_TRUE(plan.position_changes.empty());
  EXPECT_TRUE(plan.touched_positions.empty());
}

TEST_F(FlaggedBatchPlanTest, AFlipIsRejectedButClosingToFlatIsAccepted) {
  SetNet("CM01-H", 5);
  BatchPlan flip = Plan({NewTrade{Between("T1", "CM02-H", "CM01-H", 10)}});
  ASSERT_EQ(flip.results[0].outcome, Outcome::kRejected);
  EXPECT_EQ(flip.results[0].rejection->field, "trade.seller_account_id");
  EXPECT_NE(flip.results[0].rejection->message.find("from long 5 to short 5"), std::string::npos)
      << flip.results[0].rejection->message;

  BatchPlan close = Plan({NewTrade{Between("T2", "CM02-H", "CM01-H", 5)}});
  EXPECT_EQ(close.results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(Net("CM01-H"), 0);
}

TEST_F(FlaggedBatchPlanTest, AShortIsReducedByBuying) {
  SetNet("CM01-H", -4);
  EXPECT_EQ(Plan({NewTrade{Between("T1", "CM01-H", "CM02-H", 3)}}).results[0].outcome,
            Outcome::kAccepted);
  EXPECT_EQ(Plan({NewTrade{Between("T2", "CM02-H", "CM01-H", 1)}}).results[0].outcome,
            Outcome::kRejected);  // short 1 to short 2
}

TEST_F(FlaggedBatchPlanTest, AnAbsentPositionIsFlatAndCannotBeOpened) {
  BatchPlan plan = Plan({NewTrade{Between("T1", "CM01-H", "CM02-H", 1)},
                         NewTrade{Between("T2", "CM02-H", "CM01-H", 1)}});
  EXPECT_EQ(plan.results[0].outcome, Outcome::kRejected);
  EXPECT_EQ(plan.results[1].outcome, Outcome::kRejected);
  EXPECT_NE(plan.results[1].rejection->message.find("from flat to short 1"), std::string::npos)
      << plan.results[1].rejection->message;
}

TEST_F(FlaggedBatchPlanTest, EventsOfABatchSeeThePositionTheEarlierOnesLeave) {
  SetNet("CM01-H", 10);
  BatchPlan plan = Plan({NewTrade{Between("T1", "CM02-H", "CM01-H", 6)},    // 10 -> 4
                         NewTrade{Between("T2", "CM02-H", "CM01-H", 6)},    // 4 -> -2: flip
                         NewTrade{Between("T3", "CM02-H", "CM01-H", 4)}});  // 4 -> 0
  EXPECT_EQ(plan.results[0].outcome, Outcome::kAccepted);
  ASSERT_EQ(plan.results[1].outcome, Outcome::kRejected);
  EXPECT_NE(plan.results[1].rejection->message.find("from long 4 to short 2"), std::string::npos)
      << plan.results[1].rejection->message;
  EXPECT_EQ(plan.results[2].outcome, Outcome::kAccepted);
  EXPECT_EQ(plan.new_trades.size(), 2u);
  EXPECT_EQ(Net("CM01-H"), 0);
}

TEST_F(FlaggedBatchPlanTest, CancelsAreAcceptedAndMoveTheRunningPosition) {
  snapshot_.flagged_members.clear();
  Given(Between("T0", "CM02-H", "CM01-H", 4));   // CM01-H short 4
  Given(Between("T1", "CM01-H", "CM02-H", 10));  // CM01-H long 6
  snapshot_.flagged_members["CM01"] = MemberFlagNote{"FAILURE_TO_PAY", "TC-E-1", ""};
  // Busting T0 takes CM01-H from long 6 to long 10: more risk, but a bust is accepted.
  // The sale after it is judged from long 10.
  BatchPlan plan =
      Plan({CancelTrade{"T0", "bust"}, NewTrade{Between("T2", "CM02-H", "CM01-H", 8)},
            CancelTrade{"T1", "bust"}, NewTrade{Between("T3", "CM02-H", "CM01-H", 1)}});
  EXPECT_EQ(plan.results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(plan.results[1].outcome, Outcome::kAccepted);  // 10 -> 2
  EXPECT_EQ(plan.results[2].outcome, Outcome::kAccepted);  // 2 -> -8, a bust
  ASSERT_EQ(plan.results[3].outcome, Outcome::kRejected);  // -8 -> -9
  EXPECT_NE(plan.results[3].rejection->message.find("from short 8 to short 9"), std::string::npos)
      << plan.results[3].rejection->message;
}

TEST_F(FlaggedBatchPlanTest, ATradeBetweenTwoFlaggedMembersMustReduceBothSides) {
  snapshot_.flagged_members["CM02"] = MemberFlagNote{"FAILURE_TO_PAY", "TC-E-2", "collect TC-E-2"};
  SetNet("CM01-H", 5);
  SetNet("CM02-H", -5);
  BatchPlan both = Plan({NewTrade{Between("T1", "CM02-H", "CM01-H", 3)}});
  EXPECT_EQ(both.results[0].outcome, Outcome::kAccepted);  // 5 -> 2 and -5 -> -2

  SetNet("CM02-H", 4);  // now buying takes CM02-H further long
  BatchPlan one = Plan({NewTrade{Between("T2", "CM02-H", "CM01-H", 1)}});
  ASSERT_EQ(one.results[0].outcome, Outcome::kRejected);
  EXPECT_EQ(one.results[0].rejection->field, "trade.buyer_account_id");
  EXPECT_NE(one.results[0].rejection->message.find("member CM02 is flagged FAILURE_TO_PAY "
                                                   "(collect TC-E-2)"),
            std::string::npos)
      << one.results[0].rejection->message;
  EXPECT_EQ(Net("CM01-H"), 2);
}

TEST_F(FlaggedBatchPlanTest, EachAccountOfAFlaggedMemberIsJudgedOnItsOwn) {
  SetNet("CM01-H", 5);
  // The customer account is flat: CM01-H would reduce, CM01-C1 would open.
  BatchPlan plan = Plan({NewTrade{Between("T1", "CM01-C1", "CM01-H", 2)}});
  ASSERT_EQ(plan.results[0].outcome, Outcome::kRejected);
  EXPECT_EQ(plan.results[0].rejection->field, "trade.buyer_account_id");
  EXPECT_NE(plan.results[0].rejection->message.find("account CM01-C1 in TKF-202612 from flat"),
            std::string::npos);
}

TEST_F(FlaggedBatchPlanTest, UnflaggedMembersAreUnaffected) {
  SetNet("CM01-H", 5);
  const std::vector<TradeEvent> events = {NewTrade{Between("T1", "CM02-H", "CM02-C1", 7)},
                                          NewTrade{Between("T2", "CM02-C1", "CM02-H", 2)}};
  EXPECT_TRUE(PositionsToCheck(events, snapshot_, stored_).empty());
  BatchPlan plan = Plan(events);
  EXPECT_EQ(plan.results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(plan.results[1].outcome, Outcome::kAccepted);
}

TEST_F(FlaggedBatchPlanTest, ACorrectionIsJudgedAsAWhole) {
  snapshot_.flagged_members.clear();
  Given(Between("T1", "CM01-H", "CM02-H", 10));  // CM01-H long 10
  snapshot_.flagged_members["CM01"] = MemberFlagNote{"FAILURE_TO_PAY", "TC-E-1", ""};

  Trade larger = Between("T1A", "CM01-H", "CM02-H", 12);
  BatchPlan grow = Plan({CorrectTrade{"T1", larger}});
  ASSERT_EQ(grow.results[0].outcome, Outcome::kRejected);
  EXPECT_EQ(grow.results[0].rejection->field, "correction.replacement.buyer_account_id");
  EXPECT_NE(grow.results[0].rejection->message.find(
                "this correction takes account CM01-H in TKF-202612 from long 10 to long 12"),
            std::string::npos)
      << grow.results[0].rejection->message;
  EXPECT_TRUE(grow.cancellations.empty());

  Trade repriced = Between("T1B", "CM01-H", "CM02-H", 10);
  repriced.price_micros = 3'130'000;
  EXPECT_EQ(Plan({CorrectTrade{"T1", repriced}}).results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(Net("CM01-H"), 10);

  Trade smaller = Between("T1C", "CM01-H", "CM02-H", 4);
  EXPECT_EQ(Plan({CorrectTrade{"T1B", smaller}}).results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(Net("CM01-H"), 4);
}

TEST_F(FlaggedBatchPlanTest, AReplayOfATradeAcceptedBeforeTheFlagIsStillAlreadyAccepted) {
  snapshot_.flagged_members.clear();
  Given(Between("T1", "CM01-H", "CM02-H", 10));
  snapshot_.flagged_members["CM01"] = MemberFlagNote{"FAILURE_TO_PAY", "TC-E-1", ""};
  EXPECT_EQ(Plan({NewTrade{Between("T1", "CM01-H", "CM02-H", 10)}}).results[0].outcome,
            Outcome::kAlreadyAccepted);
}

TEST_F(FlaggedBatchPlanTest, PositionsToCheckNameEverythingTheBatchTouchesOnceAFlagIsInvolved) {
  snapshot_.flagged_members.clear();
  Given(Between("T0", "CM02-C1", "CM02-H", 3));
  snapshot_.flagged_members["CM01"] = MemberFlagNote{"FAILURE_TO_PAY", "TC-E-1", ""};
  Trade unknown = Between("T9", "CM77-H", "CM01-H", 1);
  const std::vector<TradeEvent> events = {
      CancelTrade{"T0", ""}, NewTrade{Between("T1", "CM02-H", "CM01-H", 1)}, NewTrade{unknown}};
  EXPECT_EQ(PositionsToCheck(events, snapshot_, stored_),
            (std::vector<Key>{
                {"CM01-H", kInstrument}, {"CM02-C1", kInstrument}, {"CM02-H", kInstrument}}));
  // A cancel alone never needs them: busts are always accepted.
  EXPECT_TRUE(PositionsToCheck({CancelTrade{"T0", ""}}, snapshot_, stored_).empty());
  // Nor does anything when nobody is flagged.
  snapshot_.flagged_members.clear();
  EXPECT_TRUE(PositionsToCheck(events, snapshot_, stored_).empty());
}

}  // namespace
}  // namespace tc::clearing
