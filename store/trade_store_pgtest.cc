#include "clearing/payload_hash.h"
#include "clearing/test_reference.h"
#include "gtest/gtest.h"
#include "store/pg_test_database.h"
#include "store/position_store.h"
#include "store/reference_store.h"
#include "store/trade_store.h"

namespace tc::store {
namespace {

using clearing::BatchPlan;
using clearing::TradeEvent;
using clearing::testing::SampleTrade;

class TradeStorePgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = db_.Pool();
    ASSERT_NE(pool_, nullptr);
    SeedSampleReference(*pool_);
  }

  // Loads, plans and writes in one transaction, as the service does.
  absl::StatusOr<BatchPlan> Apply(const std::vector<TradeEvent>& events) {
    BatchPlan plan;
    absl::Status status = pool_->Transact({}, [&](pqxx::work& tx) {
      absl::StatusOr<clearing::ReferenceSnapshot> snapshot = LoadReferenceSnapshot(tx);
      if (!snapshot.ok()) return snapshot.status();
      plan = PlanBatch(events, *snapshot, LoadTrades(tx, clearing::KeysToLookUp(events)));
      return WritePlan(tx, plan, *snapshot->open_business_date, "test-exchange");
    });
    if (!status.ok()) return status;
    return plan;
  }

  std::vector<PositionRow> Positions() {
    std::vector<PositionRow> rows;
    EXPECT_TRUE(pool_
                    ->Transact({},
                               [&](pqxx::work& tx) {
                                 rows = ListPositions(tx, {});
                                 return absl::OkStatus();
                               })
                    .ok());
    return rows;
  }

  PgTestDatabase db_;
  std::unique_ptr<PgPool> pool_;
};

TEST_F(TradeStorePgTest, WritesTradesAndReadsThemBackExactly) {
  clearing::Trade trade = SampleTrade();
  trade.executed_at = absl::FromUnixMicros(1795430000123456);
  ASSERT_TRUE(Apply({clearing::NewTrade{trade}}).ok());
  clearing::StoredTrades stored;
  ASSERT_TRUE(pool_
                  ->Transact({},
                             [&](pqxx::work& tx) {
                               stored = LoadTrades(tx, {"T1", "missing", "bad id"});
                               return absl::OkStatus();
                             })
                  .ok());
  ASSERT_EQ(stored.size(), 1u);
  const clearing::StoredTrade& s = stored.at("T1");
  EXPECT_EQ(s.trade.price_micros, trade.price_micros);
  EXPECT_EQ(s.trade.executed_at, trade.executed_at);
  EXPECT_EQ(s.trade.buyer_account_id, "CM01-H");
  EXPECT_EQ(s.payload_hash, clearing::PayloadHash(clearing::NewTrade{trade}));
  EXPECT_FALSE(s.cancellation.has_value());
}

TEST_F(TradeStorePgTest, PositionsNetForHouseAndStayGrossForCustomers) {
  clearing::Trade house = SampleTrade("T1");
  clearing::Trade customer = SampleTrade("T2");
  customer.buyer_account_id = "CM01-C1";
  customer.seller_account_id = "CM02-C1";
  clearing::Trade back = SampleTrade("T3");
  std::swap(back.buyer_account_id, back.seller_account_id);
  back.quantity = 15;
  ASSERT_TRUE(
      Apply({clearing::NewTrade{house}, clearing::NewTrade{customer}, clearing::NewTrade{back}})
          .ok());
  std::vector<PositionRow> rows = Positions();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].account_id, "CM01-C1");
  EXPECT_EQ(rows[0].long_quantity, 10);
  EXPECT_EQ(rows[1].account_id, "CM01-H");  // +10 then -15: net short 5
  EXPECT_EQ(rows[1].long_quantity, 0);
  EXPECT_EQ(rows[1].short_quantity, 5);
  EXPECT_EQ(rows[2].account_id, "CM02-C1");
  EXPECT_EQ(rows[2].short_quantity, 10);
  EXPECT_EQ(rows[3].account_id, "CM02-H");
  EXPECT_EQ(rows[3].long_quantity, 5);
}

TEST_F(TradeStorePgTest, ClosingMoreThanIsOpenIsRefusedAndWritesNothing) {
  clearing::Trade close = SampleTrade("T1");
  close.buyer_account_id = "CM01-C1";
  close.buyer_effect = clearing::PositionEffect::kClose;  // no short to buy back
  absl::StatusOr<BatchPlan> result = Apply({clearing::NewTrade{close}});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(result.status().message().find("CM01-C1"), std::string::npos);
  EXPECT_TRUE(Positions().empty());
}

TEST_F(TradeStorePgTest, CancelIsStoredAndSeenByTheNextLookup) {
  ASSERT_TRUE(Apply({clearing::NewTrade{SampleTrade()}}).ok());
  ASSERT_TRUE(Apply({clearing::CancelTrade{"T1", "bust"}}).ok());
  EXPECT_TRUE(Positions().empty());
  absl::StatusOr<BatchPlan> replay = Apply({clearing::CancelTrade{"T1", "bust"}});
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->results[0].outcome, clearing::Outcome::kAlreadyAccepted);
}

TEST_F(TradeStorePgTest, TradesAreAppendOnly) {
  ASSERT_TRUE(Apply({clearing::NewTrade{SampleTrade()}}).ok());
  absl::Status status = pool_->Transact({}, [](pqxx::work& tx) {
    tx.exec0("UPDATE trades SET quantity = 1");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(TradeStorePgTest, FeedsAreCreatedAtZeroAndAdvance) {
  ASSERT_TRUE(pool_
                  ->Transact({},
                             [](pqxx::work& tx) {
                               FeedState feed = LockOrCreateFeed(tx, "F1", "ex");
                               EXPECT_EQ(feed.last_sequence, 0);
                               SaveFeed(tx, "F1", 42);
                               return absl::OkStatus();
                             })
                  .ok());
  ASSERT_TRUE(pool_
                  ->Transact({},
                             [](pqxx::work& tx) {
                               std::optional<FeedState> feed = ReadFeed(tx, "F1");
                               EXPECT_TRUE(feed.has_value());
                               EXPECT_EQ(feed->last_sequence, 42);
                               EXPECT_FALSE(ReadFeed(tx, "F2").has_value());
                               return absl::OkStatus();
                             })
                  .ok());
}

TEST_F(TradeStorePgTest, EachLogonMovesTheSessionEpochOnlyForTheOwner) {
  ASSERT_TRUE(pool_
                  ->Transact({},
                             [](pqxx::work& tx) {
                               EXPECT_EQ(BeginFeedSession(tx, "F1", "ex").session_epoch, 1);
                               EXPECT_EQ(BeginFeedSession(tx, "F1", "ex").session_epoch, 2);
                               FeedState other = BeginFeedSession(tx, "F1", "intruder");
                               EXPECT_EQ(other.principal_id, "ex");
                               EXPECT_EQ(other.session_epoch, 2);
                               return absl::OkStatus();
                             })
                  .ok());
}

TEST_F(TradeStorePgTest, FeedFingerprintsAreHeldPerSequence) {
  const std::vector<std::string> prints = {std::string(16, 'a'), std::string(16, 'b'),
                                           std::string(16, 'c')};
  ASSERT_TRUE(pool_
                  ->Transact({},
                             [&](pqxx::work& tx) {
                               LockOrCreateFeed(tx, "F1", "ex");
                               InsertFeedFingerprints(tx, "F1", 1, {prints[0], prints[1]});
                               InsertFeedFingerprints(tx, "F1", 3, {prints[2]});
                               clearing::HeldFingerprints held =
                                   LoadFeedFingerprints(tx, "F1", 2, 3);
                               EXPECT_EQ(held.size(), 2u);
                               EXPECT_EQ(held[2], prints[1]);
                               EXPECT_EQ(held[3], prints[2]);
                               EXPECT_TRUE(LoadFeedFingerprints(tx, "F1", 4, 9).empty());
                               return absl::OkStatus();
                             })
                  .ok());
}

}  // namespace
}  // namespace tc::store
