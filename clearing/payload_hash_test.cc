#include "clearing/payload_hash.h"

#include "clearing/test_reference.h"
#include "gtest/gtest.h"

namespace tc::clearing {
namespace {

using ::tc::clearing::testing::SampleTrade;

TEST(PayloadHashTest, EqualEventsHashEqual) {
  EXPECT_EQ(PayloadHash(NewTrade{SampleTrade()}), PayloadHash(NewTrade{SampleTrade()}));
}

TEST(PayloadHashTest, EveryFieldAndTheKindChangeTheHash) {
  const Sha256Digest base = PayloadHash(NewTrade{SampleTrade()});
  std::vector<void (*)(Trade&)> mutations = {
      [](Trade& t) { t.instrument_id = "X"; },
      [](Trade& t) { t.price_micros += 5000; },
      [](Trade& t) { t.quantity += 1; },
      [](Trade& t) { t.buyer_account_id = "X"; },
      [](Trade& t) { t.seller_account_id = "X"; },
      [](Trade& t) { t.trade_date += 1; },
      [](Trade& t) { t.executed_at += absl::Nanoseconds(1); },
      [](Trade& t) { t.trade_type = TradeType::kBlock; },
      [](Trade& t) { t.buyer_effect = PositionEffect::kClose; },
      [](Trade& t) { t.seller_effect = PositionEffect::kClose; },
  };
  for (size_t i = 0; i < mutations.size(); ++i) {
    Trade trade = SampleTrade();
    mutations[i](trade);
    EXPECT_NE(PayloadHash(NewTrade{trade}), base) << "mutation " << i;
  }
  EXPECT_NE(PayloadHash(CorrectTrade{"T0", SampleTrade()}), base);
}

TEST(PayloadHashTest, CancelReasonsCannotForgeSeparators) {
  EXPECT_NE(CanonicalForm(CancelTrade{"A", "x|y"}), CanonicalForm(CancelTrade{"A|x", "y"}));
  EXPECT_NE(PayloadHash(CancelTrade{"A", "r1"}), PayloadHash(CancelTrade{"A", "r2"}));
}

}  // namespace
}  // namespace tc::clearing
