#include "settlement/price_correction.h"

#include "clearing/test_reference.h"
#include "gtest/gtest.h"

namespace tc::settlement {
namespace {

class PriceCorrectionTest : public ::testing::Test {
 protected:
  clearing::ReferenceSnapshot snapshot_ = clearing::testing::SampleSnapshot();
  std::vector<LockedPrice> locked_ = {{{"TKF-202612", 3'125'000, PriceTier::kVwap}, 3'100'000}};
};

TEST_F(PriceCorrectionTest, ChangesOnlyTheNamedPriceKeepingTierAndPrevious) {
  auto prices = CorrectPrices(snapshot_, locked_, {{"TKF-202612", 3'130'000}});
  ASSERT_TRUE(prices.ok()) << prices.status();
  ASSERT_EQ(prices->size(), 1u);
  EXPECT_TRUE((*prices)[0].corrected);
  EXPECT_EQ((*prices)[0].price.price.price_micros, 3'130'000);
  EXPECT_EQ((*prices)[0].price.price.tier, PriceTier::kVwap);
  EXPECT_EQ((*prices)[0].price.previous_settlement_micros, 3'100'000);
}

TEST_F(PriceCorrectionTest, RefusesWhatIsNotACorrectionNamingIt) {
  EXPECT_EQ(CorrectPrices(snapshot_, locked_, {{"TKF-202701", 3'130'000}}).status().code(),
            absl::StatusCode::kNotFound);
  auto off_tick = CorrectPrices(snapshot_, locked_, {{"TKF-202612", 3'130'001}});
  EXPECT_EQ(off_tick.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(off_tick.status().message(),
            "prices[0].price_micros 3130001 is not on the tick of 5000");
  EXPECT_EQ(CorrectPrices(snapshot_, locked_, {{"TKF-202612", 0}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CorrectPrices(snapshot_, locked_, {{"TKF-202612", 3'125'000}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      CorrectPrices(snapshot_, locked_, {{"TKF-202612", 3'130'000}, {"TKF-202612", 3'135'000}})
          .status()
          .message(),
      "prices[1].instrument_id 'TKF-202612' is changed twice");
}

TEST_F(PriceCorrectionTest, AFinalPriceIsAFixingAndMayBeOffTick) {
  locked_[0].price.tier = PriceTier::kFinal;
  auto prices = CorrectPrices(snapshot_, locked_, {{"TKF-202612", 3'012'346}});
  ASSERT_TRUE(prices.ok()) << prices.status();
  EXPECT_EQ((*prices)[0].price.price.tier, PriceTier::kFinal);
}

}  // namespace
}  // namespace tc::settlement
