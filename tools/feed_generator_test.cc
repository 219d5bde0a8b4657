#include "tools/feed_generator.h"

#include <set>

#include "gtest/gtest.h"

namespace tc::tools {
namespace {

FeedUniverse Universe() {
  return FeedUniverse{"2026-11-23",
                      {{"TKF-202612", 5000, 3'000'000, 20}, {"TKO-202612", 1000, 451'500, 5}},
                      {"A", "B", "C"}};
}

TEST(FeedGeneratorTest, SameSeedSameEventsOtherSeedOtherEvents) {
  FeedGenerator a(Universe(), {.seed = 7, .id_prefix = "X"});
  FeedGenerator b(Universe(), {.seed = 7, .id_prefix = "X"});
  FeedGenerator c(Universe(), {.seed = 8, .id_prefix = "X"});
  bool differs = false;
  for (int i = 0; i < 500; ++i) {
    tokenclear::v1::TradeEvent ea = a.Next();
    EXPECT_EQ(ea.SerializeAsString(), b.Next().SerializeAsString()) << i;
    differs |= ea.SerializeAsString() != c.Next().SerializeAsString();
  }
  EXPECT_TRUE(differs);
}

TEST(FeedGeneratorTest, TradesAreValidAndAmendmentsReferToLiveTrades) {
  FeedGenerator generator(
      Universe(),
      {.seed = 3, .id_prefix = "X", .cancels_per_mille = 100, .corrections_per_mille = 100});
  std::set<std::string> live;
  int cancels = 0, corrections = 0;
  for (int i = 0; i < 5000; ++i) {
    tokenclear::v1::TradeEvent event = generator.Next();
    const tokenclear::v1::Trade* trade = nullptr;
    if (event.has_cancel()) {
      ++cancels;
      EXPECT_EQ(live.erase(event.cancel().trade_id()), 1u);
      continue;
    }
    if (event.has_correction()) {
      ++corrections;
      EXPECT_EQ(live.erase(event.correction().original_trade_id()), 1u);
      trade = &event.correction().replacement();
    } else {
      trade = &event.trade();
    }
    EXPECT_TRUE(live.insert(trade->trade_id()).second);
    EXPECT_NE(trade->buyer_account_id(), trade->seller_account_id());
    EXPECT_GT(trade->price_micros(), 0);
    const int64_t tick = trade->instrument_id() == "TKF-202612" ? 5000 : 1000;
    EXPECT_EQ(trade->price_micros() % tick, 0);
    EXPECT_GE(trade->quantity(), 1);
    EXPECT_EQ(trade->trade_date(), "2026-11-23");
  }
  EXPECT_GT(cancels, 300);
  EXPECT_GT(corrections, 300);
}

}  // namespace
}  // namespace tc::tools
