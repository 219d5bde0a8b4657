#include "clearing/batch_plan.h"

#include "clearing/payload_hash.h"
#include "clearing/test_reference.h"
#include "gtest/gtest.h"

namespace tc::clearing {
namespace {

using ::tc::clearing::testing::kOpenDate;
using ::tc::clearing::testing::SampleSnapshot;
using ::tc::clearing::testing::SampleTrade;

// Stores what a plan wrote, as the database would, so a second plan sees it.
void Store(const BatchPlan& plan, StoredTrades& stored) {
  for (const NewTradeRow& row : plan.new_trades) {
    stored[row.trade.trade_id] = StoredTrade{row.trade, row.payload_hash, kOpenDate, std::nullopt};
  }
  for (const CancellationRow& row : plan.cancellations) {
    stored[row.trade_id].cancellation =
        StoredCancellation{row.is_correction, row.replaced_by, row.payload_hash};
  }
}

int64_t NetChange(const BatchPlan& plan, const std::string& account) {
  int64_t net = 0;
  for (const PositionChange& change : plan.position_changes) {
    if (change.account_id == account) net += change.NetDelta();
  }
  return net;
}

class BatchPlanTest : public ::testing::Test {
 protected:
  BatchPlan Plan(const std::vector<TradeEvent>& events) {
    BatchPlan plan = PlanBatch(events, snapshot_, stored_);
    Store(plan, stored_);
    return plan;
  }

  ReferenceSnapshot snapshot_ = SampleSnapshot();
  StoredTrades stored_;
};

TEST_F(BatchPlanTest, AcceptsANewTradeAndNovatesIt) {
  BatchPlan plan = Plan({NewTrade{SampleTrade()}});
  ASSERT_EQ(plan.results.size(), 1u);
  EXPECT_EQ(plan.results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(plan.results[0].key, "T1");
  EXPECT_EQ(plan.new_trades.size(), 1u);
  EXPECT_EQ(NetChange(plan, "CM01-H"), 10);
  EXPECT_EQ(NetChange(plan, "CM02-H"), -10);
}

TEST_F(BatchPlanTest, TheSameTradeAgainIsAlreadyAcceptedAndWritesNothing) {
  Plan({NewTrade{SampleTrade()}});
  BatchPlan again = Plan({NewTrade{SampleTrade()}});
  EXPECT_EQ(again.results[0].outcome, Outcome::kAlreadyAccepted);
  EXPECT_TRUE(again.new_trades.empty());
  EXPECT_TRUE(again.position_changes.empty());
}

TEST_F(BatchPlanTest, TheSameIdWithOtherContentIsRefused) {
  Plan({NewTrade{SampleTrade()}});
  Trade changed = SampleTrade();
  changed.quantity = 11;
  BatchPlan conflict = Plan({NewTrade{changed}});
  ASSERT_EQ(conflict.results[0].outcome, Outcome::kRejected);
  EXPECT_EQ(conflict.results[0].rejection->code, absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(conflict.results[0].rejection->field, "trade.trade_id");
  EXPECT_TRUE(conflict.new_trades.empty());
}

TEST_F(BatchPlanTest, DuplicatesWithinOneBatchApplyOnce) {
  BatchPlan plan = Plan({NewTrade{SampleTrade()}, NewTrade{SampleTrade()}});
  EXPECT_EQ(plan.results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(plan.results[1].outcome, Outcome::kAlreadyAccepted);
  EXPECT_EQ(plan.new_trades.size(), 1u);
  EXPECT_EQ(NetChange(plan, "CM01-H"), 10);
}

TEST_F(BatchPlanTest, ARejectedTradeLeavesNothingBehind) {
  Trade bad = SampleTrade("T2");
  bad.price_micros = 1;
  BatchPlan plan = Plan({NewTrade{SampleTrade()}, NewTrade{bad}});
  EXPECT_EQ(plan.results[1].outcome, Outcome::kRejected);
  EXPECT_EQ(plan.new_trades.size(), 1u);
  EXPECT_EQ(NetChange(plan, "CM01-H"), 10);
}

TEST_F(BatchPlanTest, CancelReversesExactlyAndIsIdempotent) {
  Plan({NewTrade{SampleTrade()}});
  BatchPlan cancel = Plan({CancelTrade{"T1", "busted by exchange"}});
  EXPECT_EQ(cancel.results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(NetChange(cancel, "CM01-H"), -10);
  EXPECT_EQ(NetChange(cancel, "CM02-H"), 10);

  BatchPlan again = Plan({CancelTrade{"T1", "busted by exchange"}});
  EXPECT_EQ(again.results[0].outcome, Outcome::kAlreadyAccepted);
  EXPECT_TRUE(again.position_changes.empty());

  BatchPlan other_reason = Plan({CancelTrade{"T1", "another reason"}});
  EXPECT_EQ(other_reason.results[0].rejection->code, absl::StatusCode::kAlreadyExists);
}

TEST_F(BatchPlanTest, NewAndCancelInOneBatchNetToNothing) {
  BatchPlan plan = Plan({NewTrade{SampleTrade()}, CancelTrade{"T1", ""}});
  EXPECT_EQ(plan.results[1].outcome, Outcome::kAccepted);
  EXPECT_EQ(plan.new_trades.size(), 1u);
  EXPECT_EQ(plan.cancellations.size(), 1u);
  EXPECT_TRUE(plan.position_changes.empty());
}

TEST_F(BatchPlanTest, TouchedPositionsIncludeChangesThatCancelOut) {
  Trade customer = SampleTrade("T2");
  customer.buyer_account_id = "CM01-C1";
  BatchPlan plan = Plan({NewTrade{SampleTrade()}, CancelTrade{"T1", ""}, NewTrade{customer}});
  using Key = std::pair<std::string, std::string>;
  EXPECT_EQ(plan.touched_positions,
            (std::vector<Key>{
                {"CM01-C1", "TKF-202612"}, {"CM01-H", "TKF-202612"}, {"CM02-H", "TKF-202612"}}));
  EXPECT_EQ(plan.position_changes.size(), 2u);  // CM01-H nets to zero and is dropped
}

TEST_F(BatchPlanTest, CancelOfAnUnknownTradeIsNotFound) {
  BatchPlan plan = Plan({CancelTrade{"NOPE", ""}});
  EXPECT_EQ(plan.results[0].rejection->code, absl::StatusCode::kNotFound);
  EXPECT_EQ(plan.results[0].rejection->field, "cancel.trade_id");
}

TEST_F(BatchPlanTest, CorrectionIsCancelPlusNew) {
  Plan({NewTrade{SampleTrade()}});
  Trade replacement = SampleTrade("T1R");
  replacement.quantity = 7;
  BatchPlan plan = Plan({CorrectTrade{"T1", replacement}});
  ASSERT_EQ(plan.results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(plan.results[0].key, "T1R");
  EXPECT_EQ(NetChange(plan, "CM01-H"), -3);  // -10 reversed, +7 new
  ASSERT_EQ(plan.cancellations.size(), 1u);
  EXPECT_TRUE(plan.cancellations[0].is_correction);
  EXPECT_EQ(plan.cancellations[0].replaced_by, "T1R");

  BatchPlan replay = Plan({CorrectTrade{"T1", replacement}});
  EXPECT_EQ(replay.results[0].outcome, Outcome::kAlreadyAccepted);
  EXPECT_TRUE(replay.position_changes.empty());

  BatchPlan cancel_corrected = Plan({CancelTrade{"T1", ""}});
  EXPECT_EQ(cancel_corrected.results[0].rejection->code, absl::StatusCode::kFailedPrecondition);

  // The replacement id reused as a plain new trade is a different payload.
  BatchPlan reuse = Plan({NewTrade{replacement}});
  EXPECT_EQ(reuse.results[0].rejection->code, absl::StatusCode::kAlreadyExists);
}

TEST_F(BatchPlanTest, CorrectionOfACancelledTradeIsRefused) {
  Plan({NewTrade{SampleTrade()}, CancelTrade{"T1", ""}});
  BatchPlan plan = Plan({CorrectTrade{"T1", SampleTrade("T1R")}});
  EXPECT_EQ(plan.results[0].rejection->code, absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(plan.new_trades.empty());
}

TEST_F(BatchPlanTest, AReplacementReusingTheOriginalIdIsNamedAsSuch) {
  Plan({NewTrade{SampleTrade()}});
  BatchPlan plan = Plan({CorrectTrade{"T1", SampleTrade("T1")}});
  ASSERT_TRUE(plan.results[0].rejection.has_value());
  EXPECT_EQ(plan.results[0].rejection->code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(plan.results[0].rejection->field, "correction.replacement.trade_id");
  EXPECT_NE(plan.results[0].rejection->message.find("must differ from original_trade_id"),
            std::string::npos);
  EXPECT_TRUE(plan.cancellations.empty());
}

TEST_F(BatchPlanTest, AnInvalidReplacementLeavesTheOriginalStanding) {
  Plan({NewTrade{SampleTrade()}});
  Trade replacement = SampleTrade("T1R");
  replacement.instrument_id = "TKF-202610";  // expired
  BatchPlan plan = Plan({CorrectTrade{"T1", replacement}});
  EXPECT_EQ(plan.results[0].rejection->field, "correction.replacement.instrument_id");
  EXPECT_TRUE(plan.cancellations.empty());
  EXPECT_TRUE(plan.position_changes.empty());
}

TEST_F(BatchPlanTest, TradesOfAClosedDateCannotBeAmended) {
  Plan({NewTrade{SampleTrade()}});
  stored_["T1"].business_date = absl::CivilDay(2026, 11, 20);
  BatchPlan plan = Plan({CancelTrade{"T1", ""}});
  EXPECT_EQ(plan.results[0].rejection->code, absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(plan.results[0].rejection->message.find("2026-11-20"), std::string::npos);
}

TEST_F(BatchPlanTest, AReplayStaysAcceptedAfterTheAccountIsSuspended) {
  Plan({NewTrade{SampleTrade()}});
  snapshot_.accounts["CM01-H"].status = AccountStatus::kSuspended;
  BatchPlan replay = Plan({NewTrade{SampleTrade()}});
  EXPECT_EQ(replay.results[0].outcome, Outcome::kAlreadyAccepted);
}

TEST(KeysToLookUpTest, IncludesCorrectionOriginals) {
  std::vector<std::string> keys = KeysToLookUp(
      {NewTrade{SampleTrade("A")}, CancelTrade{"B", ""}, CorrectTrade{"C", SampleTrade("D")}});
  EXPECT_EQ(keys, (std::vector<std::string>{"A", "B", "D", "C"}));
}

}  // namespace
}  // namespace tc::clearing
