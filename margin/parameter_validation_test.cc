// Malformed parameters and positions are rejected with InvalidArgument (or OutOfRange
// for oversized accounts) naming the field and value; nothing aborts.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "margin/margin_calculator.h"
#include "margin/test_parameters.h"

namespace tc::margin {
namespace {

using testing::DerivedParameters;
using testing::MustCompile;
using testing::Usd;

void ExpectInvalid(const RiskParameters& params, const std::vector<std::string>& fragments) {
  absl::StatusOr<CompiledParameters> compiled = CompileParameters(params);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
  for (const std::string& fragment : fragments) {
    EXPECT_NE(compiled.status().message().find(fragment), absl::string_view::npos)
        << compiled.status() << " lacks '" << fragment << "'";
  }
}

TEST(ParameterValidationTest, DerivedParametersCompile) {
  EXPECT_TRUE(CompileParameters(DerivedParameters({.spot_month = true})).ok());
}

TEST(ParameterValidationTest, RiskArrayWithFifteenValues) {
  RiskParameters params = DerivedParameters({});
  params.contracts[1].risk_array_micros.pop_back();
  ExpectInvalid(params, {"AIX-M2", "risk_array_micros = 15"});
}

TEST(ParameterValidationTest, ZeroInitialToMaintenanceRatio) {
  RiskParameters params = DerivedParameters({});
  params.combined_commodities[1].initial_to_maintenance.speculator_ppm = 0;
  ExpectInvalid(params, {"GPU", "speculator_ppm = 0"});
}

TEST(ParameterValidationTest, ZeroDeltaPerSpreadRatio) {
  RiskParameters params = DerivedParameters({});
  params.inter_spreads[0].legs[1].delta_per_spread_udelta = 0;
  ExpectInvalid(params, {"inter spread priority 1", "delta_per_spread_udelta = 0"});
}

TEST(ParameterValidationTest, ContractInUnknownCommodity) {
  RiskParameters params = DerivedParameters({});
  params.contracts[0].combined_commodity = "NOPE";
  ExpectInvalid(params, {"AIX-M1", "combined_commodity 'NOPE'"});
}

TEST(ParameterValidationTest, DuplicateContractId) {
  RiskParameters params = DerivedParameters({});
  params.contracts[1].contract_id = "AIX-M1";
  ExpectInvalid(params, {"contract_id 'AIX-M1' is duplicated"});
}

TEST(ParameterValidationTest, IntraLegOnUnknownTier) {
  RiskParameters params = DerivedParameters({});
  params.combined_commodities[0].intra_spreads[0].legs[1].tier_number = 7;
  ExpectInvalid(params, {"AIX", "legs.tier_number = 7"});
}

TEST(ParameterValidationTest, SpreadLegsOnTheSameTier) {
  RiskParameters params = DerivedParameters({});
  params.combined_commodities[0].intra_spreads[0].legs[1].tier_number = 1;
  ExpectInvalid(params, {"intra spread priority 1", "overlaps leg 0"});
}

TEST(ParameterValidationTest, InterLegNamesTierOfUntieredCommodity) {
  RiskParameters params = DerivedParameters({});
  params.inter_spreads[0].legs[0].tier_number = 2;
  ExpectInvalid(params, {"legs.tier_number = 2", "AIX"});
}

TEST(ParameterValidationTest, OverlappingTiers) {
  RiskParameters params = DerivedParameters({});
  params.combined_commodities[0].intra_tiers[1].start_period = testing::kM1;
  ExpectInvalid(params, {"intra tier 2", "start_period = 202701", "overlaps tier 1"});
}

TEST(ParameterValidationTest, MalformedPeriod) {
  RiskParameters params = DerivedParameters({});
  params.contracts[2].period = 202713;
  ExpectInvalid(params, {"AIX-M3", "period = 202713"});
}

TEST(ParameterValidationTest, ContractOutsideEveryScanTier) {
  RiskParameters params = DerivedParameters({.m4_own_scan_tier = true});
  params.combined_commodities[0].scan_tiers.pop_back();
  ExpectInvalid(params, {"AIX-M4", "period = 202704", "no scan tier"});
}

TEST(ParameterValidationTest, MissingExtremeMoveParameters) {
  RiskParameters params = DerivedParameters({});
  params.contracts[4].extreme_covered_fraction_ppm = 0;
  ExpectInvalid(params, {"GPU-M1", "extreme_covered_fraction_ppm = 0"});
}

TEST(ParameterValidationTest, OptionWithoutRight) {
  RiskParameters params = DerivedParameters({});
  params.contracts[0].is_option = true;
  ExpectInvalid(params, {"AIX-M1", "right = 0"});
}

TEST(ParameterValidationTest, CappedWfprNeedsScanRange) {
  RiskParameters params = DerivedParameters({});
  params.combined_commodities[0].wfpr_method = WfprMethod::kCappedAtScanRange;
  ExpectInvalid(params, {"AIX", "futures_price_scan_range_micros = 0"});
}

TEST(ParameterValidationTest, MixedCurrencies) {
  RiskParameters params = DerivedParameters({});
  params.combined_commodities[1].currency = "EUR";
  ExpectInvalid(params, {"GPU", "'EUR'"});
}

TEST(ParameterValidationTest, CreditRateAboveOneHundredPercent) {
  RiskParameters params = DerivedParameters({});
  params.inter_spreads[0].credit_rate_ppm = 1'000'001;
  ExpectInvalid(params, {"credit_rate_ppm = 1000001"});
}

TEST(ParameterValidationTest, MissingVersionId) {
  RiskParameters params = DerivedParameters({});
  params.version_id.clear();
  ExpectInvalid(params, {"version_id"});
}

class PositionValidationTest : public ::testing::Test {
 protected:
  PositionValidationTest()
      : compiled_(MustCompile(DerivedParameters({}))), calculator_(compiled_) {}

  CompiledParameters compiled_;
  MarginCalculator calculator_;
};

TEST_F(PositionValidationTest, UnknownContractId) {
  const std::vector<Position> book = {{"AIX-M1", 1}, {"AIX-M9", 2}};
  absl::StatusOr<MarginBreakdown> b =
      calculator_.ComputeBreakdown(absl::MakeConstSpan(book), AccountClass::kMember);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(b.status().message().find("'AIX-M9'"), absl::string_view::npos) << b.status();
}

TEST_F(PositionValidationTest, ContractIndexOutOfRange) {
  const std::vector<IndexedPosition> book = {{.contract_index = 5, .quantity = 1}};
  absl::StatusOr<MarginTotals> totals =
      calculator_.Compute(absl::MakeConstSpan(book), AccountClass::kMember);
  ASSERT_FALSE(totals.ok());
  EXPECT_EQ(totals.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(totals.status().message().find("positions[0].contract_index = 5"),
            absl::string_view::npos)
      << totals.status();
}

TEST_F(PositionValidationTest, QuantityTooLarge) {
  const std::vector<IndexedPosition> book = {
      {.contract_index = 0, .quantity = -kMaxAbsQuantity - 1}};
  absl::StatusOr<MarginTotals> totals =
      calculator_.Compute(absl::MakeConstSpan(book), AccountClass::kMember);
  ASSERT_FALSE(totals.ok());
  EXPECT_NE(totals.status().message().find("positions[0].quantity = -1000000001"),
            absl::string_view::npos)
      << totals.status();
}

TEST_F(PositionValidationTest, AccountTooLargeForExactArithmetic) {
  // 2000 x 1e9 contracts x $1,000 is far beyond 2^60 micro-USD.
  const std::vector<IndexedPosition> book(2000, {.contract_index = 0, .quantity = kMaxAbsQuantity});
  absl::StatusOr<MarginTotals> totals =
      calculator_.Compute(absl::MakeConstSpan(book), AccountClass::kMember);
  ASSERT_FALSE(totals.ok());
  EXPECT_EQ(totals.status().code(), absl::StatusCode::kOutOfRange);
}

TEST_F(PositionValidationTest, CalculatorRecoversAfterAnError) {
  const std::vector<IndexedPosition> bad = {{.contract_index = -1, .quantity = 1}};
  EXPECT_FALSE(calculator_.Compute(absl::MakeConstSpan(bad), AccountClass::kMember).ok());
  const std::vector<IndexedPosition> good = {{.contract_index = 0, .quantity = 2}};
  absl::StatusOr<MarginTotals> totals =
      calculator_.Compute(absl::MakeConstSpan(good), AccountClass::kMember);
  ASSERT_TRUE(totals.ok()) << totals.status();
  EXPECT_EQ(totals->maintenance_micros, Usd(2000));
}

TEST_F(PositionValidationTest, EmptyBookHasNoMargin) {
  absl::StatusOr<MarginTotals> totals =
      calculator_.Compute(absl::Span<const IndexedPosition>(), AccountClass::kSpeculator);
  ASSERT_TRUE(totals.ok()) << totals.status();
  EXPECT_EQ(totals->maintenance_micros, 0);
  EXPECT_EQ(totals->initial_micros, 0);
}

}  // namespace
}  // namespace tc::margin
