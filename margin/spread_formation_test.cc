// CountSpreads / ConsumeSpreads on hand-set period deltas.
#include "margin/spread_formation.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace tc::margin {
namespace {

// Periods 0-1 form tier "X", period 2 tier "Y".
const std::vector<CompiledLeg> kLegs = {{.period_begin = 0,
                                         .period_end = 2,
                                         .delta_per_spread_udelta = 2'000'000,
                                         .side = SpreadSide::kA},
                                        {.period_begin = 2,
                                         .period_end = 3,
                                         .delta_per_spread_udelta = 3'000'000,
                                         .side = SpreadSide::kB}};

TEST(SpreadFormationTest, EveryLegNeedsDeltaOfTheRightSign) {
  std::vector<int64_t> delta = {5'000'000, 0, 4'000'000};  // both long
  EXPECT_FALSE(CountSpreads(kLegs, delta.data(), /*a_long=*/true).formed());
  EXPECT_FALSE(CountSpreads(kLegs, delta.data(), /*a_long=*/false).formed());
}

TEST(SpreadFormationTest, CountIsTheExactLimitingRatio) {
  std::vector<int64_t> delta = {5'000'000, 0, -4'000'000};
  const SpreadCount n = CountSpreads(kLegs, delta.data(), /*a_long=*/true);
  ASSERT_TRUE(n.formed());
  // min(5/2, 4/3) = 4/3, kept as 4'000'000 / 3'000'000.
  EXPECT_EQ(n.numerator_udelta, 4'000'000);
  EXPECT_EQ(n.denominator_udelta, 3'000'000);
  EXPECT_FALSE(CountSpreads(kLegs, delta.data(), /*a_long=*/false).formed());
}

TEST(SpreadFormationTest, ConsumptionRoundsToMicroDeltaAndTakesEarliestPeriodsFirst) {
  // Tier X nets +5 from +6 and -1; the spread takes from the long period only.
  std::vector<int64_t> delta = {-1'000'000, 6'000'000, -4'000'000};
  std::vector<int64_t> consumed(3, 0);
  const SpreadCount n = CountSpreads(kLegs, delta.data(), /*a_long=*/true);
  ASSERT_TRUE(n.formed());
  ConsumeSpreads(kLegs, n, delta.data(), consumed.data());
  // X gives 4/3 x 2 = 2.666667 (rounded), Y gives all 4.
  EXPECT_EQ(delta, (std::vector<int64_t>{-1'000'000, 3'333'333, 0}));
  EXPECT_EQ(consumed, (std::vector<int64_t>{0, 2'666'667, 4'000'000}));
}

}  // namespace
}  // namespace tc::margin
