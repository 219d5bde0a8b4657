#include "clearing/novation.h"

#include "clearing/test_reference.h"
#include "gtest/gtest.h"

namespace tc::clearing {
namespace {

using ::tc::clearing::testing::SampleSnapshot;
using ::tc::clearing::testing::SampleTrade;

TEST(NovationTest, HouseAccountsNet) {
  std::array<PositionChange, 2> legs = Novate(SampleTrade(), SampleSnapshot());
  EXPECT_EQ(legs[0].account_id, "CM01-H");
  EXPECT_TRUE(legs[0].netted);
  EXPECT_EQ(legs[0].NetDelta(), 10);
  EXPECT_EQ(legs[1].account_id, "CM02-H");
  EXPECT_EQ(legs[1].NetDelta(), -10);
}

TEST(NovationTest, CustomerAccountsAreGrossAndCloseReducesTheOppositeSide) {
  Trade trade = SampleTrade();
  trade.buyer_account_id = "CM01-C1";
  trade.seller_account_id = "CM02-C1";
  std::array<PositionChange, 2> opening = Novate(trade, SampleSnapshot());
  EXPECT_FALSE(opening[0].netted);
  EXPECT_EQ(opening[0].long_delta, 10);
  EXPECT_EQ(opening[0].short_delta, 0);
  EXPECT_EQ(opening[1].long_delta, 0);
  EXPECT_EQ(opening[1].short_delta, 10);

  trade.buyer_effect = PositionEffect::kClose;
  trade.seller_effect = PositionEffect::kClose;
  std::array<PositionChange, 2> closing = Novate(trade, SampleSnapshot());
  EXPECT_EQ(closing[0].long_delta, 0);
  EXPECT_EQ(closing[0].short_delta, -10);  // the buyer buys back a short
  EXPECT_EQ(closing[1].long_delta, -10);   // the seller sells out a long
  EXPECT_EQ(closing[1].short_delta, 0);
}

TEST(NovationTest, ReversedUndoesExactly) {
  for (const PositionChange& change : Novate(SampleTrade(), SampleSnapshot())) {
    PositionChange undo = Reversed(change);
    EXPECT_EQ(undo.long_delta + change.long_delta, 0);
    EXPECT_EQ(undo.short_delta + change.short_delta, 0);
  }
}

TEST(NovationTest, AggregateSumsPerKeySortsAndDropsZeros) {
  ReferenceSnapshot snapshot = SampleSnapshot();
  std::vector<PositionChange> changes;
  for (const PositionChange& c : Novate(SampleTrade("T1"), snapshot)) changes.push_back(c);
  Trade back = SampleTrade("T2");
  std::swap(back.buyer_account_id, back.seller_account_id);
  back.quantity = 4;
  for (const PositionChange& c : Novate(back, snapshot)) changes.push_back(c);
  std::vector<PositionChange> aggregated = AggregateChanges(changes);
  ASSERT_EQ(aggregated.size(), 2u);
  EXPECT_EQ(aggregated[0].account_id, "CM01-H");
  EXPECT_EQ(aggregated[0].NetDelta(), 6);
  EXPECT_EQ(aggregated[1].account_id, "CM02-H");
  EXPECT_EQ(aggregated[1].NetDelta(), -6);

  std::vector<PositionChange> undone = changes;
  for (const PositionChange& c : changes) undone.push_back(Reversed(c));
  EXPECT_TRUE(AggregateChanges(undone).empty());
}

TEST(NovationDeathTest, AnUnbalancedInstrumentIsAProgrammerError) {
  std::array<PositionChange, 2> legs = Novate(SampleTrade(), SampleSnapshot());
  EXPECT_DEATH(AggregateChanges({legs[0]}), "do not net to zero");
}

}  // namespace
}  // namespace tc::clearing
