// span.md section 4 acceptance vectors D1-D8 and the two "more tests to add" cases.
#include <vector>

#include "gtest/gtest.h"
#include "margin/margin_calculator.h"
#include "margin/test_parameters.h"

namespace tc::margin {
namespace {

using testing::DerivedOptions;
using testing::DerivedParameters;
using testing::MustCompile;
using testing::Usd;

class DerivedVectorsTest : public ::testing::Test {
 protected:
  MarginBreakdown Margin(const DerivedOptions& options, const std::vector<Position>& book,
                         AccountClass account_class = AccountClass::kMember) {
    compiled_ = MustCompile(DerivedParameters(options));
    MarginCalculator calculator(compiled_);
    absl::StatusOr<MarginBreakdown> breakdown =
        calculator.ComputeBreakdown(absl::MakeConstSpan(book), account_class);
    EXPECT_TRUE(breakdown.ok()) << breakdown.status();
    return breakdown.ok() ? *breakdown : MarginBreakdown{};
  }

  CompiledParameters compiled_;
};

TEST_F(DerivedVectorsTest, D1LongOneMonthScansAtPriceDownScenario) {
  const MarginBreakdown b = Margin({}, {{"AIX-M1", 1}});
  ASSERT_EQ(b.commodities.size(), 1u);
  const CommodityMargin& aix = b.commodities[0];
  ASSERT_EQ(aix.scan_tiers.size(), 1u);
  EXPECT_EQ(aix.scan_tiers[0].tier_number, 0);
  EXPECT_EQ(aix.scan_tiers[0].active_scenario, 13);
  EXPECT_EQ(aix.scan_tiers[0].scenario_losses_micros[15], Usd(990));  // extreme, not binding
  EXPECT_EQ(aix.scan_risk_micros, Usd(1000));
  EXPECT_EQ(aix.price_risk_micros, Usd(1000));
  EXPECT_EQ(aix.time_risk_micros, 0);
  EXPECT_EQ(aix.volatility_risk_micros, 0);
  EXPECT_EQ(b.totals.maintenance_micros, Usd(1000));
  EXPECT_EQ(b.parameter_version_id, "derived-d1-d8");
}

TEST_F(DerivedVectorsTest, D1ShortOneMonthScansAtPriceUpScenario) {
  const MarginBreakdown b = Margin({}, {{"AIX-M1", -1}});
  ASSERT_EQ(b.commodities.size(), 1u);
  EXPECT_EQ(b.commodities[0].scan_tiers[0].active_scenario, 11);
  EXPECT_EQ(b.commodities[0].scan_risk_micros, Usd(1000));
  EXPECT_EQ(b.totals.maintenance_micros, Usd(1000));
}

const std::vector<Position> kD2Book = {
    {"AIX-M1", 5}, {"AIX-M2", -3}, {"AIX-M3", 1}, {"AIX-M4", -4}};

TEST_F(DerivedVectorsTest, D2TierSpreadsInPriorityOrder) {
  const MarginBreakdown b = Margin({}, kD2Book);
  ASSERT_EQ(b.commodities.size(), 1u);
  const CommodityMargin& aix = b.commodities[0];
  EXPECT_EQ(aix.scan_risk_micros, Usd(1000));
  EXPECT_EQ(aix.scan_tiers[0].active_scenario, 11);  // net -1
  EXPECT_EQ(aix.net_delta_udelta, -1'000'000);
  EXPECT_EQ(aix.intra_charge_micros, Usd(950));  // p1 2 x 100, p3 3 x 250
  EXPECT_EQ(aix.spot_charge_micros, 0);
  EXPECT_EQ(b.totals.maintenance_micros, Usd(1950));
}

TEST_F(DerivedVectorsTest, D3SpotChargeOnConsumedDelta) {
  const MarginBreakdown b = Margin({.spot_month = true}, kD2Book);
  ASSERT_EQ(b.commodities.size(), 1u);
  EXPECT_EQ(b.commodities[0].spot_charge_micros, Usd(250));  // 5 consumed x 50
  EXPECT_EQ(b.totals.maintenance_micros, Usd(2200));
}

TEST_F(DerivedVectorsTest, D4SpotChargeOnConsumedAndRemainingDelta) {
  const MarginBreakdown b = Margin({.spot_month = true}, {{"AIX-M1", 5}, {"AIX-M2", -2}});
  ASSERT_EQ(b.commodities.size(), 1u);
  const CommodityMargin& aix = b.commodities[0];
  EXPECT_EQ(aix.scan_risk_micros, Usd(3000));
  EXPECT_EQ(aix.intra_charge_micros, Usd(200));
  EXPECT_EQ(aix.spot_charge_micros, Usd(700));  // 2 x 50 + 3 x 200
  EXPECT_EQ(b.totals.maintenance_micros, Usd(3900));
}

TEST_F(DerivedVectorsTest, D5InterCreditOnWfpr) {
  const MarginBreakdown b = Margin({}, {{"AIX-M1", 7}, {"GPU-M1", -4}});
  ASSERT_EQ(b.commodities.size(), 2u);
  const CommodityMargin& aix = b.commodities[0];
  const CommodityMargin& gpu = b.commodities[1];
  EXPECT_EQ(aix.scan_risk_micros, Usd(7000));
  EXPECT_EQ(gpu.scan_risk_micros, Usd(6000));
  EXPECT_EQ(aix.wfpr_micros, Usd(1000));
  EXPECT_EQ(gpu.wfpr_micros, Usd(1500));
  EXPECT_EQ(aix.inter_credit_micros, Usd(2400));
  EXPECT_EQ(gpu.inter_credit_micros, Usd(2400));
  EXPECT_EQ(aix.maintenance_micros, Usd(4600));
  EXPECT_EQ(gpu.maintenance_micros, Usd(3600));
  EXPECT_EQ(b.totals.maintenance_micros, Usd(8200));
}

TEST_F(DerivedVectorsTest, D6FractionalSpreadsAreNotFloored) {
  // n = min(7/3, 6/2) = 7/3 exactly; flooring to 2 would give 11,200.
  const MarginBreakdown b = Margin({}, {{"AIX-M1", 7}, {"GPU-M1", -6}});
  ASSERT_EQ(b.commodities.size(), 2u);
  EXPECT_EQ(b.commodities[0].inter_credit_micros, Usd(2800));
  EXPECT_EQ(b.commodities[1].inter_credit_micros, Usd(2800));
  EXPECT_EQ(b.commodities[1].scan_risk_micros, Usd(9000));
  EXPECT_EQ(b.totals.maintenance_micros, Usd(10400));
}

TEST_F(DerivedVectorsTest, D7InterRunsOnDeltaRemainingAfterIntra) {
  const MarginBreakdown b =
      Margin({.spot_month = true}, {{"AIX-M1", 5}, {"AIX-M2", -2}, {"GPU-M1", -2}});
  ASSERT_EQ(b.commodities.size(), 2u);
  const CommodityMargin& aix = b.commodities[0];
  const CommodityMargin& gpu = b.commodities[1];
  EXPECT_EQ(aix.intra_charge_micros, Usd(200));
  EXPECT_EQ(aix.spot_charge_micros, Usd(700));
  EXPECT_EQ(aix.wfpr_micros, Usd(1000));
  EXPECT_EQ(aix.inter_credit_micros, Usd(1200));
  EXPECT_EQ(aix.maintenance_micros, Usd(2700));
  EXPECT_EQ(gpu.scan_risk_micros, Usd(3000));
  EXPECT_EQ(gpu.inter_credit_micros, Usd(1200));
  EXPECT_EQ(gpu.maintenance_micros, Usd(1800));
  EXPECT_EQ(b.totals.maintenance_micros, Usd(4500));
}

TEST_F(DerivedVectorsTest, D8InitialMarginByAccountClass) {
  const std::vector<Position> book = {{"AIX-M1", 7}, {"GPU-M1", -4}};
  const MarginBreakdown speculator = Margin({}, book, AccountClass::kSpeculator);
  EXPECT_EQ(speculator.totals.maintenance_micros, Usd(8200));
  EXPECT_EQ(speculator.totals.initial_micros, Usd(9020));
  ASSERT_EQ(speculator.commodities.size(), 2u);
  EXPECT_EQ(speculator.commodities[0].initial_micros, Usd(5060));
  EXPECT_EQ(speculator.commodities[1].initial_micros, Usd(3960));
  EXPECT_EQ(Margin({}, book, AccountClass::kHedger).totals.initial_micros, Usd(8200));
  EXPECT_EQ(Margin({}, book, AccountClass::kMember).totals.initial_micros, Usd(8200));
}

TEST_F(DerivedVectorsTest, ReversedIntraPrioritiesChangeTheCharge) {
  // p3 (T1/T3) first takes min(5, 4) = 4 spreads, then p1 takes 1: 4 x 250 + 100.
  const MarginBreakdown b = Margin({.reversed_priorities = true}, kD2Book);
  ASSERT_EQ(b.commodities.size(), 1u);
  EXPECT_EQ(b.commodities[0].intra_charge_micros, Usd(1100));
}

TEST_F(DerivedVectorsTest, SeparateScanTierForM4) {
  const MarginBreakdown b = Margin({.m4_own_scan_tier = true}, kD2Book);
  ASSERT_EQ(b.commodities.size(), 1u);
  const CommodityMargin& aix = b.commodities[0];
  ASSERT_EQ(aix.scan_tiers.size(), 2u);
  EXPECT_EQ(aix.scan_tiers[0].tier_number, 1);
  EXPECT_EQ(aix.scan_tiers[0].scan_risk_micros, Usd(3000));  // |5 - 3 + 1| x 1000
  EXPECT_EQ(aix.scan_tiers[0].active_scenario, 13);
  EXPECT_EQ(aix.scan_tiers[1].tier_number, 2);
  EXPECT_EQ(aix.scan_tiers[1].scan_risk_micros, Usd(4000));  // |-4| x 1000
  EXPECT_EQ(aix.scan_tiers[1].active_scenario, 11);
  EXPECT_EQ(aix.scan_risk_micros, Usd(7000));
}

}  // namespace
}  // namespace tc::margin
