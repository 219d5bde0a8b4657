// The margin cycle's rules, each with a book small enough to check by hand on the span.md
// section 4 parameters (AIX months with a PSR of $1,000 per contract).
#include "margin/cycle/margin_cycle.h"

#include "gtest/gtest.h"
#include "margin/test_parameters.h"

namespace tc::margin {
namespace {

using testing::DerivedParameters;
using testing::MustCompile;
using testing::Usd;

class MarginCycleTest : public ::testing::Test {
 protected:
  MarginCycleTest() : params_(MustCompile(DerivedParameters({}))) {
    auto add = [&](const char* id, const char* member, clearing::Origin origin) {
      snapshot_.accounts[id] = clearing::Account{
          id, member, origin, clearing::AccountClass::kMember, clearing::AccountStatus::kActive,
          ""};
    };
    add("CM01-H1", "CM01", clearing::Origin::kHouse);
    add("CM01-H2", "CM01", clearing::Origin::kHouse);
    add("CM01-C1", "CM01", clearing::Origin::kCustomer);
    add("CM01-C2", "CM01", clearing::Origin::kCustomer);
  }

  CycleResult Run(const std::vector<AccountPosition>& positions) {
    absl::StatusOr<CycleResult> result = RunMarginCycle(params_, snapshot_, positions);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *std::move(result) : CycleResult{};
  }

  static const OriginRequirement* Origin(const CycleResult& r, clearing::Origin origin) {
    for (const OriginRequirement& o : r.origins) {
      if (o.origin == origin) return &o;
    }
    return nullptr;
  }

  CompiledParameters params_;
  clearing::ReferenceSnapshot snapshot_;
};

TEST_F(MarginCycleTest, OneContractCostsItsScanRange) {
  CycleResult r = Run({{"CM01-H1", "AIX-M1", 1, 0}});
  ASSERT_EQ(r.accounts.size(), 1u);
  EXPECT_EQ(r.accounts[0].breakdown.totals.maintenance_micros, Usd(1000));
  EXPECT_EQ(Origin(r, clearing::Origin::kHouse)->maintenance_micros, Usd(1000));
}

TEST_F(MarginCycleTest, HouseAccountsOfAMemberAreNettedTogether) {
  CycleResult r = Run({{"CM01-H1", "AIX-M1", 2, 0}, {"CM01-H2", "AIX-M1", 0, 2}});
  ASSERT_EQ(r.accounts.size(), 2u);
  EXPECT_EQ(r.accounts[0].breakdown.totals.maintenance_micros, Usd(2000));  // each alone
  EXPECT_EQ(r.accounts[1].breakdown.totals.maintenance_micros, Usd(2000));
  const OriginRequirement* house = Origin(r, clearing::Origin::kHouse);
  ASSERT_NE(house, nullptr);
  EXPECT_EQ(house->maintenance_micros, 0);  // long 2 and short 2 net to nothing
  EXPECT_EQ(house->account_count, 2);
}

TEST_F(MarginCycleTest, CustomerAccountsAreMarginedOneByOneAndSummed) {
  CycleResult r = Run({{"CM01-C1", "AIX-M1", 1, 0}, {"CM01-C2", "AIX-M1", 0, 1}});
  const OriginRequirement* customer = Origin(r, clearing::Origin::kCustomer);
  ASSERT_NE(customer, nullptr);
  EXPECT_EQ(customer->maintenance_micros, Usd(2000));  // gross: never netted across accounts
  EXPECT_EQ(customer->account_count, 2);
  EXPECT_EQ(Origin(r, clearing::Origin::kHouse), nullptr);
}

TEST_F(MarginCycleTest, HouseIsNeverNettedAgainstCustomer) {
  CycleResult r = Run({{"CM01-H1", "AIX-M1", 1, 0}, {"CM01-C1", "AIX-M1", 0, 1}});
  EXPECT_EQ(Origin(r, clearing::Origin::kHouse)->maintenance_micros, Usd(1000));
  EXPECT_EQ(Origin(r, clearing::Origin::kCustomer)->maintenance_micros, Usd(1000));
}

TEST_F(MarginCycleTest, ACustomerAccountNetsWithinItself) {
  CycleResult r = Run({{"CM01-C1", "AIX-M1", 3, 3}});
  EXPECT_EQ(Origin(r, clearing::Origin::kCustomer)->maintenance_micros, 0);
}

TEST_F(MarginCycleTest, UnknownAccountsAndContractsAreRefused) {
  EXPECT_EQ(RunMarginCycle(params_, snapshot_, {{"CM77-H", "AIX-M1", 1, 0}}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RunMarginCycle(params_, snapshot_, {{"CM01-H1", "NOPE", 1, 0}}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(MarginCycleTest, IncrementalMarginOfAHedgeIsNegativeAndInputIsCheckedOnce) {
  absl::StatusOr<IncrementalResult> hedge =
      IncrementalMargin(params_, {{"AIX-M1", 2}}, AccountClass::kMember, {"AIX-M1", -1});
  ASSERT_TRUE(hedge.ok()) << hedge.status();
  EXPECT_EQ(hedge->before.totals.maintenance_micros, Usd(2000));
  EXPECT_EQ(hedge->after.totals.maintenance_micros, Usd(1000));
  EXPECT_EQ(IncrementalMargin(params_, {}, AccountClass::kMember, {"NOPE", 1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(IncrementalMargin(params_, {}, AccountClass::kMember, {"AIX-M1", 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NetPositionsTest, NetsGrossSidesAndDropsFlatOnes) {
  std::vector<Position> book = NetPositions({{"A", "X", 5, 2}, {"A", "Y", 4, 4}, {"A", "Z", 0, 3}});
  ASSERT_EQ(book.size(), 2u);
  EXPECT_EQ(book[0].contract_id, "X");
  EXPECT_EQ(book[0].quantity, 3);
  EXPECT_EQ(book[1].quantity, -3);
}

}  // namespace
}  // namespace tc::margin
