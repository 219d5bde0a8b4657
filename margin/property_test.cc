// Seeded random-portfolio properties of the margin engine over linear futures.
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "margin/margin_calculator.h"
#include "margin/test_parameters.h"

namespace tc::margin {
namespace {

using testing::DerivedParameters;
using testing::LinearFuture;
using testing::MustCompile;
using testing::Usd;

constexpr int kTrials = 400;

// D1-D8 set-up with spot charges, months of different PSRs (so scan risk is not just
// |net| x PSR), a third commodity and more inter spreads, including a super spread.
RiskParameters PropertyParameters() {
  RiskParameters params = DerivedParameters({.spot_month = true});
  params.contracts = {LinearFuture("AIX-M1", "AIX", testing::kM1, Usd(1000)),
                      LinearFuture("AIX-M2", "AIX", testing::kM2, Usd(1100)),
                      LinearFuture("AIX-M3", "AIX", testing::kM3, Usd(1250)),
                      LinearFuture("AIX-M4", "AIX", testing::kM4, Usd(1400)),
                      LinearFuture("GPU-M1", "GPU", testing::kM1, Usd(1500)),
                      LinearFuture("GPU-M2", "GPU", testing::kM2, Usd(1700)),
                      LinearFuture("MEM-M1", "MEM", testing::kM1, Usd(333))};
  params.combined_commodities.push_back({.code = "MEM", .currency = "USD"});
  params.inter_spreads.push_back({.priority = 2,
                                  .credit_rate_ppm = 900'000,
                                  .legs = {{.combined_commodity = "GPU", .side = SpreadSide::kA},
                                           {.combined_commodity = "MEM", .side = SpreadSide::kB}}});
  params.inter_spreads.push_back({.priority = 1,
                                  .credit_rate_ppm = 750'000,
                                  .is_super_spread = true,
                                  .legs = {{.combined_commodity = "AIX",
                                            .delta_per_spread_udelta = 2'000'000,
                                            .side = SpreadSide::kA},
                                           {.combined_commodity = "MEM",
                                            .delta_per_spread_udelta = 1'500'000,
                                            .side = SpreadSide::kA}}});
  return params;
}

class PropertyTest : public ::testing::Test {
 protected:
  PropertyTest() : compiled_(MustCompile(PropertyParameters())), calculator_(compiled_) {}

  std::vector<IndexedPosition> RandomBook(int64_t quantity_multiple) {
    std::uniform_int_distribution<int> size(1, 20);
    std::uniform_int_distribution<int32_t> contract(
        0, static_cast<int32_t>(compiled_.contracts.size()) - 1);
    std::uniform_int_distribution<int64_t> quantity(-25, 25);
    std::vector<IndexedPosition> book(size(rng_));
    for (IndexedPosition& position : book) {
      position = {.contract_index = contract(rng_), .quantity = quantity(rng_) * quantity_multiple};
    }
    return book;
  }

  MarginBreakdown Breakdown(const std::vector<IndexedPosition>& book,
                            AccountClass account_class = AccountClass::kSpeculator) {
    absl::StatusOr<MarginBreakdown> breakdown =
        calculator_.ComputeBreakdown(absl::MakeConstSpan(book), account_class);
    EXPECT_TRUE(breakdown.ok()) << breakdown.status();
    return breakdown.ok() ? *breakdown : MarginBreakdown{};
  }

  std::mt19937_64 rng_{20261123};
  CompiledParameters compiled_;
  MarginCalculator calculator_;
};

TEST_F(PropertyTest, MirrorImageHasEqualMargin) {
  int books_with_intra = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    const std::vector<IndexedPosition> book = RandomBook(1);
    std::vector<IndexedPosition> mirror = book;
    for (IndexedPosition& position : mirror) position.quantity = -position.quantity;
    const MarginBreakdown original = Breakdown(book);
    const MarginBreakdown mirrored = Breakdown(mirror);
    ASSERT_EQ(original.totals.maintenance_micros, mirrored.totals.maintenance_micros);
    ASSERT_EQ(original.totals.initial_micros, mirrored.totals.initial_micros);
    ASSERT_EQ(original.commodities.size(), mirrored.commodities.size());
    for (size_t i = 0; i < original.commodities.size(); ++i) {
      const CommodityMargin& a = original.commodities[i];
      const CommodityMargin& b = mirrored.commodities[i];
      ASSERT_EQ(a.scan_risk_micros, b.scan_risk_micros);
      ASSERT_EQ(a.intra_charge_micros, b.intra_charge_micros);
      ASSERT_EQ(a.spot_charge_micros, b.spot_charge_micros);
      ASSERT_EQ(a.inter_credit_micros, b.inter_credit_micros);
      ASSERT_EQ(a.net_delta_udelta, -b.net_delta_udelta);
      books_with_intra += a.intra_charge_micros > 0 ? 1 : 0;
    }
  }
  EXPECT_GT(books_with_intra, kTrials / 4);  // the property was exercised with spreads
}

TEST_F(PropertyTest, OffsettingPairInOneContractChangesNothing) {
  std::uniform_int_distribution<int64_t> size(1, 40);
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<IndexedPosition> book = RandomBook(1);
    const MarginBreakdown before = Breakdown(book);
    const int32_t contract = book[trial % book.size()].contract_index;
    const int64_t hedge = size(rng_);
    book.push_back({.contract_index = contract, .quantity = hedge});
    book.push_back({.contract_index = contract, .quantity = -hedge});
    const MarginBreakdown after = Breakdown(book);
    ASSERT_EQ(before.totals.maintenance_micros, after.totals.maintenance_micros);
    for (size_t i = 0; i < before.commodities.size(); ++i) {
      ASSERT_EQ(before.commodities[i].scan_risk_micros, after.commodities[i].scan_risk_micros);
    }
  }
}

TEST_F(PropertyTest, ProportionalPerfectHedgeNeverRaisesScanRisk) {
  // Hedging k/4 of every position (an offsetting position in the same contract) leaves
  // (4 - k)/4 of the book; scan risk of linear futures scales down exactly.
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<IndexedPosition> book = RandomBook(4);
    const MarginBreakdown before = Breakdown(book);
    const int64_t k = 1 + trial % 4;
    const size_t original_size = book.size();
    for (size_t i = 0; i < original_size; ++i) {
      book.push_back(
          {.contract_index = book[i].contract_index, .quantity = -book[i].quantity / 4 * k});
    }
    const MarginBreakdown after = Breakdown(book);
    for (const CommodityMargin& hedged : after.commodities) {
      for (const CommodityMargin& unhedged : before.commodities) {
        if (unhedged.combined_commodity != hedged.combined_commodity) continue;
        ASSERT_LE(hedged.scan_risk_micros, unhedged.scan_risk_micros);
        ASSERT_EQ(hedged.scan_risk_micros * 4, unhedged.scan_risk_micros * (4 - k));
      }
    }
  }
}

TEST_F(PropertyTest, InterCreditNeverExceedsScanRisk) {
  int credited = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    const MarginBreakdown b = Breakdown(RandomBook(1));
    for (const CommodityMargin& cc : b.commodities) {
      ASSERT_LE(cc.inter_credit_micros, cc.scan_risk_micros) << cc.combined_commodity;
      ASSERT_GE(cc.inter_credit_micros, 0);
      credited += cc.inter_credit_micros > 0 ? 1 : 0;
    }
  }
  EXPECT_GT(credited, kTrials / 4);
}

TEST_F(PropertyTest, MarginIsInvariantToPositionOrder) {
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<IndexedPosition> book = RandomBook(1);
    const MarginBreakdown original = Breakdown(book, AccountClass::kHedger);
    std::shuffle(book.begin(), book.end(), rng_);
    const MarginBreakdown shuffled = Breakdown(book, AccountClass::kHedger);
    ASSERT_EQ(original.totals.maintenance_micros, shuffled.totals.maintenance_micros);
    ASSERT_EQ(original.totals.initial_micros, shuffled.totals.initial_micros);
    ASSERT_EQ(original.commodities.size(), shuffled.commodities.size());
    for (size_t i = 0; i < original.commodities.size(); ++i) {
      ASSERT_EQ(original.commodities[i].combined_commodity,
                shuffled.commodities[i].combined_commodity);
      ASSERT_EQ(original.commodities[i].risk_micros, shuffled.commodities[i].risk_micros);
      ASSERT_EQ(original.commodities[i].inter_credit_micros,
                shuffled.commodities[i].inter_credit_micros);
    }
  }
}

TEST_F(PropertyTest, TotalsPathMatchesBreakdownPath) {
  for (int trial = 0; trial < kTrials; ++trial) {
    const std::vector<IndexedPosition> book = RandomBook(1);
    const MarginBreakdown breakdown = Breakdown(book);
    absl::StatusOr<MarginTotals> totals =
        calculator_.Compute(absl::MakeConstSpan(book), AccountClass::kSpeculator);
    ASSERT_TRUE(totals.ok()) << totals.status();
    ASSERT_EQ(totals->maintenance_micros, breakdown.totals.maintenance_micros);
    ASSERT_EQ(totals->initial_micros, breakdown.totals.initial_micros);
  }
}

}  // namespace
}  // namespace tc::margin
