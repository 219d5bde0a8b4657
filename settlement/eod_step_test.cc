#include "settlement/eod_step.h"

#include "gtest/gtest.h"

namespace tc::settlement {
namespace {

TEST(EodStepTest, NamesRoundTripInOrder) {
  for (int n = 1; n <= kEodStepCount; ++n) {
    const auto step = static_cast<EodStep>(n);
    ASSERT_EQ(EodStepFromName(EodStepName(step)), step) << n;
  }
  EXPECT_EQ(EodStepName(EodStep::kCloseTrading), "CLOSE_TRADING");
  EXPECT_EQ(EodStepName(EodStep::kOpenNextDay), "OPEN_NEXT_DAY");
  EXPECT_EQ(EodStepName(EodStep::kCollateralValuation), "COLLATERAL_VALUATION");
  EXPECT_EQ(EodStepFromName("close_trading"), std::nullopt);
}

TEST(EodStepTest, NextFollowsTheDoneCount) {
  EXPECT_EQ(*NextEodStep(0), EodStep::kCloseTrading);
  EXPECT_EQ(*NextEodStep(3), EodStep::kMarkToMarket);
  EXPECT_EQ(NextEodStep(kEodStepCount).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(NextEodStep(-1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(NextEodStep(kEodStepCount + 1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(*NextEodStep(7), EodStep::kCollateralValuation);
  EXPECT_EQ(*NextEodStep(8), EodStep::kObligations);
}

}  // namespace
}  // namespace tc::settlement
