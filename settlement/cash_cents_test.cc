// The cents rule: totals per member, origin and currency rounded once, the residual to
// the CCP's rounding account.
#include "settlement/cash_cents.h"

#include "gtest/gtest.h"

namespace tc::settlement {
namespace {

using clearing::Origin;

TEST(CashCentsTest, TickValuesInWholeCents) {
  clearing::Product p;
  p.tick_size_micros = 5'000;  // the sample product: $5 a tick
  p.contract_multiplier = 1'000;
  EXPECT_TRUE(TickValueIsWholeCents(p));
  p.tick_size_micros = 10;  // 10 x 1,000 = 10,000 micro-USD = 1 cent
  EXPECT_TRUE(TickValueIsWholeCents(p));
  p.tick_size_micros = 1;  // a tenth of a cent
  EXPECT_FALSE(TickValueIsWholeCents(p));
  EXPECT_TRUE(IsWholeCents(-20'000));
  EXPECT_FALSE(IsWholeCents(5'554'000 + 5'000));
}

TEST(CashCentsTest, WholeCentsNeedNoResidual) {
  absl::StatusOr<CashSettlement> cash = RoundToCents(
      {{"CM01", Origin::kHouse, "USD", 50'000'000}, {"CM02", Origin::kHouse, "USD", -50'000'000}});
  ASSERT_TRUE(cash.ok()) << cash.status();
  ASSERT_EQ(cash->calls.size(), 2u);
  EXPECT_EQ(cash->calls[0].amount_cents, 5'000);
  EXPECT_EQ(cash->calls[1].amount_cents, -5'000);
  ASSERT_EQ(cash->residuals.size(), 1u);
  EXPECT_EQ(cash->residuals[0].ccp_rounding_cents, 0);
}

TEST(CashCentsTest, TotalsRoundOnceAndTheResidualGoesToTheCcp) {
  // 0.6 + 0.6 - 1.2 cents: rounded 1 + 1 - 1 = 1 cent paid out, so the CCP pays 1 cent.
  absl::StatusOr<CashSettlement> cash = RoundToCents({{"CM01", Origin::kHouse, "USD", 6'000},
                                                      {"CM01", Origin::kCustomer, "USD", 6'000},
                                                      {"CM02", Origin::kHouse, "USD", -12'000}});
  ASSERT_TRUE(cash.ok()) << cash.status();
  EXPECT_EQ(cash->calls[0].amount_cents, 1);
  EXPECT_EQ(cash->calls[1].amount_cents, 1);
  EXPECT_EQ(cash->calls[2].amount_cents, -1);
  EXPECT_EQ(cash->calls[2].amount_micros, -12'000);
  ASSERT_EQ(cash->residuals.size(), 1u);
  EXPECT_EQ(cash->residuals[0].ccp_rounding_cents, -1);
}

TEST(CashCentsTest, HalvesRoundAwayFromZeroAndCurrenciesStaySeparate) {
  absl::StatusOr<CashSettlement> cash = RoundToCents({{"CM01", Origin::kHouse, "USD", 5'000},
                                                      {"CM02", Origin::kHouse, "USD", -5'000},
                                                      {"CM01", Origin::kHouse, "EUR", 15'000},
                                                      {"CM02", Origin::kHouse, "EUR", -15'000}});
  ASSERT_TRUE(cash.ok()) << cash.status();
  EXPECT_EQ(cash->calls[0].amount_cents, 1);
  EXPECT_EQ(cash->calls[1].amount_cents, -1);
  EXPECT_EQ(cash->calls[2].amount_cents, 2);
  EXPECT_EQ(cash->calls[3].amount_cents, -2);
  ASSERT_EQ(cash->residuals.size(), 2u);
  EXPECT_EQ(cash->residuals[0].currency, "EUR");
  EXPECT_EQ(cash->residuals[1].currency, "USD");
}

TEST(CashCentsTest, AnUnbalancedCurrencyIsRefused) {
  absl::StatusOr<CashSettlement> cash = RoundToCents({{"CM01", Origin::kHouse, "USD", 6'000}});
  EXPECT_EQ(cash.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace tc::settlement
