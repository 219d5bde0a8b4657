// Which months a proposal prices, with which tier, and when it refuses.
#include "settlement/price_proposal.h"

#include "clearing/test_reference.h"
#include "gtest/gtest.h"

namespace tc::settlement {
namespace {

class PriceProposalTest : public ::testing::Test {
 protected:
  PriceProposalTest() : snapshot_(clearing::testing::SampleSnapshot()) {
    inputs_.business_date = absl::CivilDay(2026, 12, 1);
  }

  clearing::ReferenceSnapshot snapshot_;
  ProposalInputs inputs_;
};

TEST_F(PriceProposalTest, ExchangePriceThenCarriedPriorRecordingThePrevious) {
  inputs_.exchange_prices["TKF-202612"] = 3'005'000;
  inputs_.prior_settlement["TKF-202612"] = 3'000'000;
  inputs_.held_or_traded.insert("TKF-202612");
  auto prices = ProposePrices(snapshot_, inputs_);
  ASSERT_TRUE(prices.ok()) << prices.status();
  ASSERT_EQ(prices->size(), 1u);  // TKF-202610 is expired in the sample
  EXPECT_EQ((*prices)[0].price.price_micros, 3'005'000);
  EXPECT_EQ((*prices)[0].price.tier, PriceTier::kExchange);
  EXPECT_EQ((*prices)[0].previous_settlement_micros, 3'000'000);

  inputs_.exchange_prices.clear();
  prices = ProposePrices(snapshot_, inputs_);
  ASSERT_TRUE(prices.ok()) << prices.status();
  EXPECT_EQ((*prices)[0].price.tier, PriceTier::kCarried);
  EXPECT_EQ((*prices)[0].price.price_micros, 3'000'000);
}

TEST_F(PriceProposalTest, AMonthNobodyHoldsAndNothingPricesIsLeftOut) {
  auto prices = ProposePrices(snapshot_, inputs_);
  ASSERT_TRUE(prices.ok()) << prices.status();
  EXPECT_TRUE(prices->empty());
}

TEST_F(PriceProposalTest, AHeldMonthNothingPricesIsRefusedByName) {
  inputs_.held_or_traded.insert("TKF-202612");
  auto prices = ProposePrices(snapshot_, inputs_);
  EXPECT_EQ(prices.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(prices.status().message().find("TKF-202612"), std::string::npos) << prices.status();
}

TEST_F(PriceProposalTest, TheFinalSettlementDayTakesTheFixingUnlessTheIndexIsFrozen) {
  inputs_.business_date = absl::CivilDay(2026, 12, 31);  // TKF-202612's final settlement
  inputs_.prior_settlement["TKF-202612"] = 3'000'000;
  inputs_.today_fixings["TOKFRONT"] = 3'012'345;
  auto prices = ProposePrices(snapshot_, inputs_);
  ASSERT_TRUE(prices.ok()) << prices.status();
  ASSERT_EQ(prices->size(), 1u);
  EXPECT_EQ((*prices)[0].price.tier, PriceTier::kFinal);
  EXPECT_EQ((*prices)[0].price.price_micros, 3'012'345);  // the fixing, not on tick

  inputs_.frozen_indexes.insert("TOKFRONT");
  prices = ProposePrices(snapshot_, inputs_);
  EXPECT_EQ(prices.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(prices.status().message().find("frozen"), std::string::npos) << prices.status();

  inputs_.frozen_indexes.clear();
  inputs_.today_fixings.clear();
  prices = ProposePrices(snapshot_, inputs_);
  EXPECT_EQ(prices.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PriceProposalTest, TheDigestCoversEveryInput) {
  const Sha256Digest before = ProposalInputsDigest(inputs_);
  inputs_.exchange_prices["TKF-202612"] = 3'005'000;
  EXPECT_NE(ProposalInputsDigest(inputs_), before);
  EXPECT_EQ(ProposalInputsDigest(inputs_), ProposalInputsDigest(inputs_));
}

}  // namespace
}  // namespace tc::settlement
