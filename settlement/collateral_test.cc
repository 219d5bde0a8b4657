// Collateral valuation: market value from a price per million of face, haircut bands by
// days to maturity, concentration caps relative to the requirement, origins never netted,
// the errors that name what treasury must fix, and the withdrawal check. Every expected
// amount is worked out by hand in the comment beside it.
#include "settlement/collateral.h"

#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tc::settlement {
namespace {

using clearing::Origin;

// A Monday; 2027 is not a leap year.
const absl::CivilDay kDate(2026, 12, 28);
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Bills: 0.5% up to 30 days, 2% up to 182, 4% up to 365; at most 40% of the requirement.
CollateralClass Bills() { return {"UST_BILL", 4000, {{30, 50}, {182, 200}, {365, 400}}}; }
// Agencies: 5% up to a year, no concentration limit.
CollateralClass Agencies() { return {"AGENCY", 10000, {{365, 500}}}; }

// Matures 2027-03-25: 3 days left in December + 31 + 28 + 25 = 87 days.
SecurityHolding Bill(int64_t face_cents) {
  return {"US912797GK1", "UST_BILL", absl::CivilDay(2027, 3, 25), face_cents};
}

absl::StatusOr<std::vector<OriginValuation>> Value(const std::vector<OriginCollateral>& origins,
                                                   std::vector<SecurityPrice> prices = {
                                                       {"US912797GK1", 995'000},
                                                       {"AG-1", 995'000}}) {
  const std::vector<CollateralClass> classes = {Bills(), Agencies()};
  return ValueCollateral(kDate, classes, prices, origins);
}

OriginCollateral CashOnly(int64_t cash_cents, int64_t requirement_cents) {
  return {"CM01", Origin::kHouse, "USD", cash_cents, {}, requirement_cents};
}

TEST(CollateralTest, ATBillAtNinetyNineAndAHalfWithABindingConcentrationCap) {
  // Face $1,000,000.00 of the bill and $1,234.57 of an agency note maturing in exactly a
  // year; $500,000.00 cash; requirement $1,500,000.00.
  OriginCollateral o = CashOnly(50'000'000, 150'000'000);
  o.securities = {Bill(100'000'000), {"AG-1", "AGENCY", absl::CivilDay(2027, 12, 28), 123'457}};
  absl::StatusOr<std::vector<OriginValuation>> rows = Value({o});
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  const OriginValuation& v = (*rows)[0];
  ASSERT_EQ(v.lines.size(), 2u);
  const SecurityValuation& bill = v.lines[0];
  EXPECT_EQ(bill.security_id, "US912797GK1");
  EXPECT_EQ(bill.class_code, "UST_BILL");
  EXPECT_EQ(bill.face_cents, 100'000'000);
  EXPECT_EQ(bill.price_ppm, 995'000);
  EXPECT_EQ(bill.market_cents, 99'500'000);         // 100,000,000 x 995,000 / 1,000,000
  EXPECT_EQ(bill.days_to_maturity, 87);             // 2026-12-28 to 2027-03-25
  EXPECT_EQ(bill.haircut_bps, 200);                 // 30 < 87 <= 182
  EXPECT_EQ(bill.after_haircut_cents, 97'510'000);  // 99,500,000 - 1,990,000 (2%)
  const SecurityValuation& note = v.lines[1];
  EXPECT_EQ(note.market_cents, 122'840);         // 123,457 x 0.995 = 122,839.715 -> 122,840
  EXPECT_EQ(note.days_to_maturity, 365);         // a whole non-leap year
  EXPECT_EQ(note.haircut_bps, 500);              // 365 <= 365: the band's own bound is in it
  EXPECT_EQ(note.after_haircut_cents, 116'698);  // 122,840 - 6,142 (5% exactly)
  // Classes sorted by code: AGENCY before UST_BILL.
  ASSERT_EQ(v.classes.size(), 2u);
  EXPECT_EQ(v.classes[0].class_code, "AGENCY");
  EXPECT_EQ(v.classes[0].after_haircut_cents, 116'698);
  EXPECT_EQ(v.classes[0].cap_cents, 150'000'000);  // 100% of the requirement
  EXPECT_EQ(v.classes[0].counted_cents, 116'698);
  EXPECT_EQ(v.classes[1].class_code, "UST_BILL");
  EXPECT_EQ(v.classes[1].after_haircut_cents, 97'510'000);
  EXPECT_EQ(v.classes[1].cap_cents, 60'000'000);      // 40% of 150,000,000
  EXPECT_EQ(v.classes[1].counted_cents, 60'000'000);  // the cap binds
  EXPECT_EQ(v.member_id, "CM01");
  EXPECT_EQ(v.origin, Origin::kHouse);
  EXPECT_EQ(v.currency, "USD");
  EXPECT_EQ(v.cash_cents, 50'000'000);
  EXPECT_EQ(v.securities_market_cents, 99'622'840);         // 99,500,000 + 122,840
  EXPECT_EQ(v.securities_after_haircut_cents, 97'626'698);  // 97,510,000 + 116,698
  EXPECT_EQ(v.securities_counted_cents, 60'116'698);        // 60,000,000 + 116,698
  EXPECT_EQ(v.value_cents, 110'116'698);                    // + 50,000,000 cash
  EXPECT_EQ(v.requirement_cents, 150'000'000);
  EXPECT_EQ(v.excess_cents, -39'883'302);  // a deficit of $398,833.02
}

TEST(CollateralTest, CashOnlyIsWorthItsAmount) {
  absl::StatusOr<std::vector<OriginValuation>> rows = Value({CashOnly(10'000, 7'500)});
  ASSERT_TRUE(rows.ok()) << rows.status();
  const OriginValuation& v = (*rows)[0];
  EXPECT_EQ(v.value_cents, 10'000);
  EXPECT_EQ(v.excess_cents, 2'500);  // 10,000 - 7,500
  EXPECT_EQ(v.securities_market_cents, 0);
  EXPECT_TRUE(v.lines.empty());
  EXPECT_TRUE(v.classes.empty());
  // Nothing at all is a valuation of zero, not an error.
  rows = Value({CashOnly(0, 0)});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].excess_cents, 0);
}

TEST(CollateralTest, RoundingIsHalfAwayFromZeroAtEachStep) {
  // 1 cent of face at 50%: 0.5 cent -> 1. A 50% haircut of that cent is 0.5 -> 1, so
  // nothing is left after the haircut.
  const std::vector<CollateralClass> classes = {{"HALF", 10000, {{365, 5000}}}};
  const std::vector<SecurityPrice> prices = {{"S1", 500'000}};
  OriginCollateral o = CashOnly(0, 100);
  o.securities = {{"S1", "HALF", kDate + 10, 1}};
  absl::StatusOr<std::vector<OriginValuation>> rows = ValueCollateral(kDate, classes, prices, {o});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].lines[0].market_cents, 1);
  EXPECT_EQ((*rows)[0].lines[0].after_haircut_cents, 0);
  // The cap rounds the same way: 1 cent of requirement at 50% is 0.5 -> 1.
  const std::vector<CollateralClass> capped = {{"HALF", 5000, {{365, 0}}}};
  o.requirement_cents = 1;
  o.securities = {{"S1", "HALF", kDate + 10, 10}};  // 10 x 50% = 5 cents after a 0% haircut
  rows = ValueCollateral(kDate, capped, prices, {o});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].classes[0].cap_cents, 1);
  EXPECT_EQ((*rows)[0].classes[0].counted_cents, 1);
  EXPECT_EQ((*rows)[0].value_cents, 1);
}

TEST(CollateralTest, ConcentrationLimitsAreSharesOfTheRequirement) {
  // Bill after haircut: 97,510,000 as above. Requirement 100,000,000.
  OriginCollateral o = CashOnly(0, 100'000'000);
  o.securities = {Bill(100'000'000)};
  std::vector<CollateralClass> classes = {Bills()};
  const std::vector<SecurityPrice> prices = {{"US912797GK1", 995'000}};
  classes[0].concentration_limit_bps = 10000;  // may cover everything: cap 100,000,000
  absl::StatusOr<std::vector<OriginValuation>> rows = ValueCollateral(kDate, classes, prices, {o});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].classes[0].counted_cents, 97'510'000);  // below the cap
  EXPECT_EQ((*rows)[0].excess_cents, -2'490'000);
  classes[0].concentration_limit_bps = 0;  // counts for nothing
  rows = ValueCollateral(kDate, classes, prices, {o});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].classes[0].cap_cents, 0);
  EXPECT_EQ((*rows)[0].securities_counted_cents, 0);
  EXPECT_EQ((*rows)[0].securities_after_haircut_cents, 97'510'000);  // still reported
  // A requirement of zero caps every limited class at zero: nothing is needed.
  classes[0].concentration_limit_bps = 4000;
  o.requirement_cents = 0;
  rows = ValueCollateral(kDate, classes, prices, {o});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].value_cents, 0);
  EXPECT_EQ((*rows)[0].excess_cents, 0);
}

TEST(CollateralTest, HouseAndCustomerAreValuedSeparatelyInInputOrder) {
  // CM01's house has $10,000.00 spare; its customer origin is short $5.00. Each is its own
  // row: the house surplus does not reach the customer.
  OriginCollateral customer{"CM01", Origin::kCustomer, "USD", 0, {}, 500};
  OriginCollateral house = CashOnly(1'000'000, 0);
  absl::StatusOr<std::vector<OriginValuation>> rows = Value({customer, house});
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].origin, Origin::kCustomer);
  EXPECT_EQ((*rows)[0].excess_cents, -500);
  EXPECT_EQ((*rows)[1].origin, Origin::kHouse);
  EXPECT_EQ((*rows)[1].excess_cents, 1'000'000);
}

TEST(CollateralTest, SecuritiesThatCannotBeValuedNameTheSecurityOriginAndDate) {
  OriginCollateral o = CashOnly(0, 100);
  o.securities = {Bill(1'000)};
  absl::StatusOr<std::vector<OriginValuation>> rows = Value({o}, {});
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(rows.status().message(),
            "security 'US912797GK1' of CM01/HOUSE has no collateral price for 2026-12-28");
  // Matures on the valuation date: 0 days left.
  o.securities[0].maturity_date = kDate;
  rows = Value({o});
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(rows.status().message(),
            "security 'US912797GK1' of CM01/HOUSE matured on 2026-12-28: it is not collateral "
            "on 2026-12-28");
  // 2027-12-29 is 366 days away: beyond the bills' last band of 365.
  o.securities[0].maturity_date = absl::CivilDay(2027, 12, 29);
  rows = Value({o});
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(rows.status().message(),
            "security 'US912797GK1' of CM01/HOUSE matures in 366 days (2027-12-29), beyond the "
            "last haircut band of class 'UST_BILL' (365 days), on 2026-12-28");
  o.securities[0] = Bill(1'000);
  o.securities[0].class_code = "EQUITY";
  o.origin = Origin::kCustomer;
  rows = Value({o});
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(rows.status().message(),
            "security 'US912797GK1' of CM01/CUSTOMER is of class 'EQUITY', not a collateral "
            "class, on 2026-12-28");
}

// The message of ValueCollateral's error for one bad input, INVALID_ARGUMENT expected.
std::string InvalidMessage(const std::vector<CollateralClass>& classes,
                           const std::vector<SecurityPrice>& prices,
                           const std::vector<OriginCollateral>& origins) {
  absl::StatusOr<std::vector<OriginValuation>> rows =
      ValueCollateral(kDate, classes, prices, origins);
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument) << rows.status();
  return std::string(rows.status().message());
}

TEST(CollateralTest, EveryValidationErrorNamesTheFieldAndValue) {
  const std::vector<CollateralClass> classes = {Bills()};
  const std::vector<SecurityPrice> prices = {{"US912797GK1", 995'000}};
  EXPECT_EQ(InvalidMessage(classes, prices, {CashOnly(-1, 0)}),
            "CM01/HOUSE/USD: cash_cents -1 is negative");
  EXPECT_EQ(InvalidMessage(classes, prices, {CashOnly(0, -2)}),
            "CM01/HOUSE/USD: requirement_cents -2 is negative");
  OriginCollateral zero_face = CashOnly(0, 0);
  zero_face.securities = {Bill(0)};
  EXPECT_EQ(InvalidMessage(classes, prices, {zero_face}),
            "CM01/HOUSE/USD: securities[0] 'US912797GK1': face_cents 0 is not positive");
  zero_face.securities = {Bill(-5)};
  EXPECT_EQ(InvalidMessage(classes, prices, {zero_face}),
            "CM01/HOUSE/USD: securities[0] 'US912797GK1': face_cents -5 is not positive");
  EXPECT_EQ(InvalidMessage(classes, {{"US912797GK1", 0}}, {}),
            "price of 'US912797GK1': price_ppm 0 is not positive");
  EXPECT_EQ(InvalidMessage(classes, {{"US912797GK1", -995'000}}, {}),
            "price of 'US912797GK1': price_ppm -995000 is not positive");
  EXPECT_EQ(InvalidMessage(classes, {{"US912797GK1", 1}, {"US912797GK1", 1}}, {}),
            "price of 'US912797GK1' is given twice");
  CollateralClass c = Bills();
  c.haircuts[1].haircut_bps = 10001;
  EXPECT_EQ(InvalidMessage({c}, prices, {}),
            "class 'UST_BILL': haircuts[1].haircut_bps 10001 is outside 0..10000");
  c.haircuts[1].haircut_bps = -1;
  EXPECT_EQ(InvalidMessage({c}, prices, {}),
            "class 'UST_BILL': haircuts[1].haircut_bps -1 is outside 0..10000");
  c = Bills();
  c.concentration_limit_bps = 10001;
  EXPECT_EQ(InvalidMessage({c}, prices, {}),
            "class 'UST_BILL': concentration_limit_bps 10001 is outside 0..10000");
  c.concentration_limit_bps = -1;
  EXPECT_EQ(InvalidMessage({c}, prices, {}),
            "class 'UST_BILL': concentration_limit_bps -1 is outside 0..10000");
  c = Bills();
  c.haircuts = {{182, 200}, {30, 50}};
  EXPECT_EQ(InvalidMessage({c}, prices, {}),
            "class 'UST_BILL': haircuts[1].max_days_to_maturity 30 is not above the previous "
            "band's 182 (bands ascend strictly)");
  c.haircuts = {{30, 50}, {30, 60}};
  EXPECT_EQ(InvalidMessage({c}, prices, {}),
            "class 'UST_BILL': haircuts[1].max_days_to_maturity 30 is not above the previous "
            "band's 30 (bands ascend strictly)");
  c.haircuts = {{0, 50}};
  EXPECT_EQ(InvalidMessage({c}, prices, {}),
            "class 'UST_BILL': haircuts[0].max_days_to_maturity 0 is below 1");
  c.haircuts = {};
  EXPECT_EQ(InvalidMessage({c}, prices, {}), "class 'UST_BILL' has no haircut bands");
  EXPECT_EQ(InvalidMessage({Bills(), Bills()}, prices, {}), "class 'UST_BILL' is given twice");
  EXPECT_EQ(InvalidMessage({Bills()}, prices, {CashOnly(1, 1), CashOnly(2, 2)}),
            "CM01/HOUSE/USD is given twice");
  OriginCollateral bad_currency = CashOnly(0, 0);
  bad_currency.currency = "usd";
  EXPECT_EQ(InvalidMessage(classes, prices, {bad_currency}),
            "CM01/HOUSE: currency \"usd\" is not three capital letters");
  OriginCollateral bad_member = CashOnly(0, 0);
  bad_member.member_id = "CM 01";
  EXPECT_NE(InvalidMessage(classes, prices, {bad_member}).find("member_id"), std::string::npos);
}

TEST(CollateralTest, OverflowIsOutOfRange) {
  const std::vector<CollateralClass> classes = {{"BIG", 10000, {{365, 0}}}};
  // Face of INT64_MAX cents at 200% of face: the market value does not fit.
  OriginCollateral o = CashOnly(0, 0);
  o.securities = {{"S1", "BIG", kDate + 1, kMax}};
  absl::StatusOr<std::vector<OriginValuation>> rows =
      ValueCollateral(kDate, classes, std::vector<SecurityPrice>{{"S1", 2'000'000}}, {o});
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kOutOfRange) << rows.status();
  // At par each fits, but two of them do not sum.
  o.securities = {{"S1", "BIG", kDate + 1, kMax}, {"S1", "BIG", kDate + 1, kMax}};
  rows = ValueCollateral(kDate, classes, std::vector<SecurityPrice>{{"S1", 1'000'000}}, {o});
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kOutOfRange) << rows.status();
  // One at par fits exactly.
  o.securities = {{"S1", "BIG", kDate + 1, kMax}};
  rows = ValueCollateral(kDate, classes, std::vector<SecurityPrice>{{"S1", 1'000'000}}, {o});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].securities_after_haircut_cents, kMax);
  // Cash of INT64_MAX plus a counted cent does not fit the value.
  o = CashOnly(kMax, 1);
  o.securities = {{"S1", "BIG", kDate + 1, 1}};
  rows = ValueCollateral(kDate, classes, std::vector<SecurityPrice>{{"S1", 1'000'000}}, {o});
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kOutOfRange) << rows.status();
}

TEST(CollateralTest, AWithdrawalIsCheckedAgainstTheRequirement) {
  absl::StatusOr<std::vector<OriginValuation>> rows = Value({CashOnly(10'000, 7'500)});
  ASSERT_TRUE(rows.ok()) << rows.status();
  const OriginValuation& v = (*rows)[0];
  EXPECT_EQ(*WithdrawalShortfallCents(v, 2'500), 0);  // 7,500 - (10,000 - 2,500) = 0
  EXPECT_EQ(*WithdrawalShortfallCents(v, 2'501), 1);  // 7,500 - 7,499
  EXPECT_EQ(*WithdrawalShortfallCents(v, 1), 0);
  absl::StatusOr<int64_t> bad = WithdrawalShortfallCents(v, 0);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "withdrawal_cents 0 is not positive");
  EXPECT_EQ(WithdrawalShortfallCents(v, -1).status().code(), absl::StatusCode::kInvalidArgument);
  // With a binding cap the securities count the same after the withdrawal (the cap is a
  // share of the requirement), so the shortfall grows by exactly the cash withdrawn: the
  // first example is short 39,883,302; withdrawing 10,000,000 more leaves 49,883,302.
  OriginCollateral o = CashOnly(50'000'000, 150'000'000);
  o.securities = {Bill(100'000'000), {"AG-1", "AGENCY", absl::CivilDay(2027, 12, 28), 123'457}};
  rows = Value({o});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*WithdrawalShortfallCents((*rows)[0], 10'000'000), 49'883'302);
  // requirement INT64_MAX - (0 - INT64_MAX) does not fit.
  OriginValuation huge;
  huge.requirement_cents = kMax;
  EXPECT_EQ(WithdrawalShortfallCents(huge, kMax).status().code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace tc::settlement
