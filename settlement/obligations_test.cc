// Obligations: variation margin, initial-margin calls and releases netted per member
// origin, never across origins; the settlement entries, posted after the variation margin
// entries of settlement/ledger.h, leave every member cash account at zero; the cycle's
// pays and collects meet the rounding residual. Every expected amount is worked out by
// hand in the comment beside it.
#include "settlement/obligations.h"

#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace tc::settlement {
namespace {

using clearing::Origin;

const absl::CivilDay kDate(2026, 11, 30);
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

ObligationInput Input(std::string member, Origin origin, int64_t vm_cents,
                      int64_t requirement_cents = 0, int64_t value_cents = 0,
                      int64_t pending_cents = 0, int64_t release_cents = 0) {
  return {std::move(member), origin,      "USD",         vm_cents,
          requirement_cents, value_cents, pending_cents, release_cents};
}

Obligation One(const ObligationInput& in, int64_t threshold_cents = 0) {
  absl::StatusOr<std::vector<Obligation>> out = ComputeObligations({in}, threshold_cents);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0] : Obligation{};
}

// Sum of every line per account id.
std::map<std::string, int64_t> Balances(const std::vector<JournalEntry>& entries) {
  std::map<std::string, int64_t> balances;
  for (const JournalEntry& e : entries) {
    for (const JournalLine& l : e.lines) balances[l.account.ledger_account_id] += l.amount_cents;
  }
  return balances;
}

using LinesT = std::vector<std::pair<std::string, int64_t>>;

LinesT Lines(const JournalEntry& e) {
  LinesT lines;
  for (const JournalLine& l : e.lines) {
    lines.emplace_back(l.account.ledger_account_id, l.amount_cents);
  }
  return lines;
}

std::string KeyOf(const Obligation& o) {
  return "PAYSET/2026-11-30/EOD/" + o.member_id + "/" + std::string(OriginName(o.origin)) + "/" +
         o.currency;
}

JournalEntry Settle(const Obligation& o) {
  absl::StatusOr<std::optional<JournalEntry>> entry =
      PlanObligationSettlement(o, KeyOf(o), kDate, "end-of-day cycle");
  EXPECT_TRUE(entry.ok()) << entry.status();
  EXPECT_TRUE(entry.ok() && entry->has_value()) << "nothing to settle";
  return entry.ok() && entry->has_value() ? **entry : JournalEntry{};
}

TEST(ObligationsTest, ADeficitIsCalled) {
  // Collateral valuation's first example: value 110,116,698 against 150,000,000.
  const Obligation o = One(Input("CM01", Origin::kHouse, 0, 150'000'000, 110'116'698));
  EXPECT_EQ(o.deficit_cents, 39'883'302);  // 150,000,000 - 110,116,698
  EXPECT_EQ(o.im_call_cents, 39'883'302);  // threshold 0: every cent is called
  EXPECT_EQ(o.release_cents, 0);
  EXPECT_EQ(o.net_cents, -39'883'302);  // the CCP collects
  EXPECT_EQ(o.requirement_cents, 150'000'000);
  EXPECT_EQ(o.collateral_value_cents, 110'116'698);
  const JournalEntry e = Settle(o);
  EXPECT_EQ(e.kind, "PAYMENT_SETTLEMENT");
  EXPECT_EQ(e.idempotency_key, "PAYSET/2026-11-30/EOD/CM01/HOUSE/USD");
  EXPECT_EQ(e.description, "end-of-day cycle");
  EXPECT_EQ(e.business_date, kDate);
  // No variation margin: no MEMBER_CASH line; the cash comes in and becomes collateral.
  EXPECT_EQ(Lines(e), (LinesT{{"BANK:SETTLEMENT:USD", 39'883'302},
                              {"CM01:HOUSE:COLLATERAL_CASH:USD", -39'883'302}}));
}

TEST(ObligationsTest, VariationMarginOnlyIsPaidAndCollected) {
  // CM01 collects $50.00, CM02 pays $50.00; both are covered, so no call.
  absl::StatusOr<std::vector<Obligation>> out =
      ComputeObligations({Input("CM01", Origin::kHouse, 5'000, 1'000, 1'000),
                          Input("CM02", Origin::kHouse, -5'000, 1'000, 2'000)},
                         0);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].member_id, "CM01");
  EXPECT_EQ((*out)[0].deficit_cents, 0);
  EXPECT_EQ((*out)[0].im_call_cents, 0);
  EXPECT_EQ((*out)[0].net_cents, 5'000);  // the CCP pays
  EXPECT_EQ((*out)[1].member_id, "CM02");
  EXPECT_EQ((*out)[1].net_cents, -5'000);  // the CCP collects
  EXPECT_EQ(Lines(Settle((*out)[0])),
            (LinesT{{"BANK:SETTLEMENT:USD", -5'000}, {"CM01:HOUSE:CASH:USD", 5'000}}));
  EXPECT_EQ(Lines(Settle((*out)[1])),
            (LinesT{{"BANK:SETTLEMENT:USD", 5'000}, {"CM02:HOUSE:CASH:USD", -5'000}}));
}

TEST(ObligationsTest, AnExcessReleasesTheAcceptedWithdrawal) {
  // Value 10,000 covers 7,500; a withdrawal of 2,500 was accepted; the member also owes
  // 1,000 of variation margin: the CCP pays 2,500 - 1,000 = 1,500.
  const Obligation o = One(Input("CM01", Origin::kHouse, -1'000, 7'500, 10'000, 0, 2'500));
  EXPECT_EQ(o.deficit_cents, 0);
  EXPECT_EQ(o.im_call_cents, 0);
  EXPECT_EQ(o.release_cents, 2'500);
  EXPECT_EQ(o.net_cents, 1'500);
  // Cash: +(vm + release) = +(-1,000 + 2,500) = +1,500; the bank pays 1,500.
  EXPECT_EQ(Lines(Settle(o)),
            (LinesT{{"BANK:SETTLEMENT:USD", -1'500}, {"CM01:HOUSE:CASH:USD", 1'500}}));
}

TEST(ObligationsTest, AHouseSurplusNeverCoversACustomerDeficit) {
  // CM01's house has $10,000.00 spare, its customer origin is short $5.00: the customer
  // origin is called $5.00 and the house pays nothing.
  absl::StatusOr<std::vector<Obligation>> out = ComputeObligations(
      {Input("CM01", Origin::kHouse, 0, 0, 1'000'000), Input("CM01", Origin::kCustomer, 0, 500, 0)},
      0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].origin, Origin::kHouse);
  EXPECT_EQ((*out)[0].im_call_cents, 0);
  EXPECT_EQ((*out)[0].net_cents, 0);
  EXPECT_EQ((*out)[1].origin, Origin::kCustomer);
  EXPECT_EQ((*out)[1].im_call_cents, 500);
  EXPECT_EQ((*out)[1].net_cents, -500);
  // Nothing moves for the house: no entry.
  absl::StatusOr<std::optional<JournalEntry>> house =
      PlanObligationSettlement((*out)[0], "K", kDate, "");
  ASSERT_TRUE(house.ok()) << house.status();
  EXPECT_FALSE(house->has_value());
  EXPECT_EQ(Lines(Settle((*out)[1])),
            (LinesT{{"BANK:SETTLEMENT:USD", 500}, {"CM01:CUSTOMER:COLLATERAL_CASH:USD", -500}}));
}

TEST(ObligationsTest, APendingCallIsNotCalledTwice) {
  // Requirement 1,000, value 600: a deficit of 400, already called and not yet paid.
  Obligation o = One(Input("CM01", Origin::kHouse, 0, 1'000, 600, 400));
  EXPECT_EQ(o.deficit_cents, 0);  // 1,000 - 600 - 400
  EXPECT_EQ(o.im_call_cents, 0);
  EXPECT_EQ(o.net_cents, 0);
  // The requirement rose by 100 since: only the 100 is called.
  o = One(Input("CM01", Origin::kHouse, 0, 1'100, 600, 400));
  EXPECT_EQ(o.deficit_cents, 100);
  EXPECT_EQ(o.im_call_cents, 100);
  // A pending call larger than the deficit is not a negative deficit.
  o = One(Input("CM01", Origin::kHouse, 0, 1'000, 600, kMax));
  EXPECT_EQ(o.deficit_cents, 0);
}

TEST(ObligationsTest, TheThresholdCallsOnlyAboveIt) {
  const ObligationInput in = Input("CM01", Origin::kHouse, 0, 1'000, 900);  // deficit 100
  Obligation o = One(in, 100);
  EXPECT_EQ(o.deficit_cents, 100);  // reported even when not called
  EXPECT_EQ(o.im_call_cents, 0);    // 100 is not above 100
  o = One(in, 99);
  EXPECT_EQ(o.im_call_cents, 100);  // above: the whole deficit, not the part above
  o = One(in, 0);
  EXPECT_EQ(o.im_call_cents, 100);
  EXPECT_EQ(o.net_cents, -100);
}

std::string InvalidMessage(const std::vector<ObligationInput>& inputs, int64_t threshold = 0) {
  absl::StatusOr<std::vector<Obligation>> out = ComputeObligations(inputs, threshold);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << out.status();
  return std::string(out.status().message());
}

TEST(ObligationsTest, EveryValidationErrorNamesTheFieldAndValue) {
  EXPECT_EQ(InvalidMessage({}, -1), "call_threshold_cents -1 is negative");
  EXPECT_EQ(InvalidMessage({Input("CM01", Origin::kHouse, 0, -1)}),
            "CM01/HOUSE/USD: requirement_cents -1 is negative");
  EXPECT_EQ(InvalidMessage({Input("CM01", Origin::kHouse, 0, 0, -2)}),
            "CM01/HOUSE/USD: collateral_value_cents -2 is negative");
  EXPECT_EQ(InvalidMessage({Input("CM01", Origin::kHouse, 0, 0, 0, -3)}),
            "CM01/HOUSE/USD: pending_call_cents -3 is negative");
  EXPECT_EQ(InvalidMessage({Input("CM01", Origin::kCustomer, 0, 0, 0, 0, -4)}),
            "CM01/CUSTOMER/USD: release_cents -4 is negative");
  EXPECT_EQ(InvalidMessage({Input("CM01", Origin::kHouse, 1), Input("CM01", Origin::kHouse, 2)}),
            "CM01/HOUSE/USD is given twice");
  ObligationInput bad_currency = Input("CM01", Origin::kHouse, 0);
  bad_currency.currency = "US";
  EXPECT_EQ(InvalidMessage({bad_currency}), "CM01/HOUSE/US: currency is not three capital letters");
  EXPECT_NE(InvalidMessage({Input("", Origin::kHouse, 0)}).find("member_id"), std::string::npos);
  // The same member in two currencies, or two origins, is two keys.
  ObligationInput eur = Input("CM01", Origin::kHouse, 0);
  eur.currency = "EUR";
  EXPECT_TRUE(ComputeObligations(
                  {Input("CM01", Origin::kHouse, 0), eur, Input("CM01", Origin::kCustomer, 0)}, 0)
                  .ok());
}

TEST(ObligationsTest, OverflowIsOutOfRange) {
  // vm + release does not fit.
  EXPECT_EQ(
      ComputeObligations({Input("CM01", Origin::kHouse, kMax, 0, 0, 0, 1)}, 0).status().code(),
      absl::StatusCode::kOutOfRange);
  // A vm of INT64_MIN could not be credited back.
  EXPECT_EQ(ComputeObligations({Input("CM01", Origin::kHouse, kMin)}, 0).status().code(),
            absl::StatusCode::kOutOfRange);
  // -INT64_MAX - a call of 1 is INT64_MIN: the bank line could not be negated.
  EXPECT_EQ(ComputeObligations({Input("CM01", Origin::kHouse, -kMax, 1, 0)}, 0).status().code(),
            absl::StatusCode::kOutOfRange);
  // ... and a call of 2 does not fit at all.
  EXPECT_EQ(ComputeObligations({Input("CM01", Origin::kHouse, -kMax, 2, 0)}, 0).status().code(),
            absl::StatusCode::kOutOfRange);
  // The largest that fit compute and settle.
  absl::StatusOr<std::vector<Obligation>> out =
      ComputeObligations({Input("CM01", Origin::kHouse, kMax - 1, 0, 0, 0, 1)}, 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].net_cents, kMax);
  EXPECT_TRUE(CheckBalanced(Settle((*out)[0])).ok());
}

TEST(ObligationsTest, TheSettlementRefusesAnObligationThatDoesNotAddUp) {
  Obligation o = One(Input("CM01", Origin::kHouse, 5'000));
  o.net_cents = 4'999;
  absl::StatusOr<std::optional<JournalEntry>> entry = PlanObligationSettlement(o, "K", kDate, "");
  EXPECT_EQ(entry.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(entry.status().message(),
            "CM01/HOUSE/USD: net_cents 4999 is not vm - im_call + release = 5000 - 0 + 0 = 5000");
  o.net_cents = 5'000;
  EXPECT_EQ(PlanObligationSettlement(o, "", kDate, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanObligationSettlement(o, std::string(201, 'k'), kDate, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  o.im_call_cents = -1;
  o.net_cents = 5'001;
  entry = PlanObligationSettlement(o, "K", kDate, "");
  EXPECT_EQ(entry.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(entry.status().message(), "CM01/HOUSE/USD: im_call_cents -1 is negative");
}

TEST(ObligationsTest, VariationMarginThenItsSettlementLeaveMemberCashAtZero) {
  // The ledger's rounding example: 0.6 + 0.6 - 1.2 cents round to +1 +1 -1, and the
  // rounding account pays the cent (-1). CM01's customer origin is also called 5,000 of
  // initial margin: it collects 1 and owes 5,000, so the CCP collects 4,999.
  const CashSettlement cash{{{"CM01", Origin::kHouse, "USD", 6'000, 1},
                             {"CM01", Origin::kCustomer, "USD", 6'000, 1},
                             {"CM02", Origin::kHouse, "USD", -12'000, -1}},
                            {{"USD", -1}}};
  absl::StatusOr<std::vector<JournalEntry>> vm =
      PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "VM_POST", cash);
  ASSERT_TRUE(vm.ok()) << vm.status();
  absl::StatusOr<std::vector<Obligation>> due = ComputeObligations(
      {Input("CM01", Origin::kHouse, 1), Input("CM01", Origin::kCustomer, 1, 5'000, 0),
       Input("CM02", Origin::kHouse, -1)},
      0);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ((*due)[1].net_cents, -4'999);  // 1 - 5,000
  std::vector<JournalEntry> entries = *vm;
  for (const Obligation& o : *due) entries.push_back(Settle(o));
  for (const JournalEntry& e : entries) EXPECT_TRUE(CheckBalanced(e).ok()) << e.idempotency_key;
  const std::map<std::string, int64_t> balances = Balances(entries);
  EXPECT_EQ(balances.at("CM01:HOUSE:CASH:USD"), 0);     // -1 posted, +1 paid
  EXPECT_EQ(balances.at("CM01:CUSTOMER:CASH:USD"), 0);  // -1 posted, +1 settled in the net
  EXPECT_EQ(balances.at("CM02:HOUSE:CASH:USD"), 0);     // +1 posted, -1 collected
  EXPECT_EQ(balances.at("CCP:VM_SETTLEMENT:USD"), 0);
  EXPECT_EQ(balances.at("CCP:ROUNDING:USD"), 1);                        // the cent the CCP paid
  EXPECT_EQ(balances.at("CM01:CUSTOMER:COLLATERAL_CASH:USD"), -5'000);  // held for CM01
  // Bank: pays 1 (CM01 house), collects 4,999 and 1: +4,999 = 5,000 collateral - 1 cent.
  EXPECT_EQ(balances.at("BANK:SETTLEMENT:USD"), 4'999);
  // The pays and collects of variation margin meet the rounding residual.
  absl::StatusOr<std::vector<VmBalance>> sums = SumVariationMargin(*due);
  ASSERT_TRUE(sums.ok()) << sums.status();
  ASSERT_EQ(sums->size(), 1u);
  EXPECT_EQ((*sums)[0].currency, "USD");
  EXPECT_EQ((*sums)[0].pays_cents, 2);      // 1 + 1
  EXPECT_EQ((*sums)[0].collects_cents, 1);  // CM02
  EXPECT_EQ((*sums)[0].collects_minus_pays_cents, -1);
  EXPECT_TRUE(CheckVariationMarginMeetsResidual(*sums, cash.residuals).ok());
  const std::vector<CashResidual> wrong = {{"USD", 1}};
  const absl::Status mismatch = CheckVariationMarginMeetsResidual(*sums, wrong);
  EXPECT_EQ(mismatch.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(mismatch.message(),
            "variation margin in USD: collects - pays is -1 cents but the rounding residual is 1 "
            "cents; the cycle's obligations do not match the day's variation margin");
}

TEST(ObligationsTest, AWithdrawalReservedThenReleasedSettlesToZero) {
  // Deposit $100.00 of cash collateral, withdraw $25.00, and release it in the next cycle
  // together with 3,000 of variation margin the member collects: the CCP pays 5,500.
  absl::StatusOr<JournalEntry> deposit =
      PlanCashDeposit("COLL/DEP/1", kDate, "CM01", Origin::kHouse, "USD", 10'000);
  ASSERT_TRUE(deposit.ok()) << deposit.status();
  absl::StatusOr<JournalEntry> withdrawal =
      PlanCashWithdrawal("COLL/WDR/1", kDate, "CM01", Origin::kHouse, "USD", 2'500);
  ASSERT_TRUE(withdrawal.ok()) << withdrawal.status();
  const CashSettlement cash{{{"CM01", Origin::kHouse, "USD", 30'000'000, 3'000},
                             {"CM02", Origin::kHouse, "USD", -30'000'000, -3'000}},
                            {{"USD", 0}}};
  absl::StatusOr<std::vector<JournalEntry>> vm =
      PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "VM_POST", cash);
  ASSERT_TRUE(vm.ok()) << vm.status();
  // Value after the withdrawal: 7,500, requirement 7,500: covered exactly.
  absl::StatusOr<std::vector<Obligation>> due =
      ComputeObligations({Input("CM01", Origin::kHouse, 3'000, 7'500, 7'500, 0, 2'500),
                          Input("CM02", Origin::kHouse, -3'000)},
                         0);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ((*due)[0].net_cents, 5'500);  // 3,000 + 2,500
  const JournalEntry settle = Settle((*due)[0]);
  EXPECT_EQ(Lines(settle),
            (LinesT{{"BANK:SETTLEMENT:USD", -5'500}, {"CM01:HOUSE:CASH:USD", 5'500}}));
  std::vector<JournalEntry> entries = {*deposit, *withdrawal};
  entries.insert(entries.end(), vm->begin(), vm->end());
  entries.push_back(settle);
  entries.push_back(Settle((*due)[1]));
  const std::map<std::string, int64_t> balances = Balances(entries);
  EXPECT_EQ(balances.at("CM01:HOUSE:CASH:USD"), 0);  // -2,500 - 3,000 + 5,500
  EXPECT_EQ(balances.at("CM02:HOUSE:CASH:USD"), 0);
  EXPECT_EQ(balances.at("CM01:HOUSE:COLLATERAL_CASH:USD"), -7'500);  // still held
  // Bank: +10,000 deposited, -5,500 paid, +3,000 collected = 7,500, the collateral held.
  EXPECT_EQ(balances.at("BANK:SETTLEMENT:USD"), 7'500);
}

TEST(ObligationsTest, VariationMarginSumsPerCurrencyInCurrencyOrder) {
  ObligationInput eur = Input("CM01", Origin::kHouse, -700);
  eur.currency = "EUR";
  absl::StatusOr<std::vector<Obligation>> due = ComputeObligations(
      {Input("CM01", Origin::kHouse, 1'234), Input("CM02", Origin::kHouse, -1'233), eur,
       Input("CM03", Origin::kHouse, 0)},
      0);
  ASSERT_TRUE(due.ok()) << due.status();
  absl::StatusOr<std::vector<VmBalance>> sums = SumVariationMargin(*due);
  ASSERT_TRUE(sums.ok()) << sums.status();
  ASSERT_EQ(sums->size(), 2u);
  EXPECT_EQ((*sums)[0].currency, "EUR");
  EXPECT_EQ((*sums)[0].pays_cents, 0);
  EXPECT_EQ((*sums)[0].collects_cents, 700);
  EXPECT_EQ((*sums)[0].collects_minus_pays_cents, 700);
  EXPECT_EQ((*sums)[1].currency, "USD");
  EXPECT_EQ((*sums)[1].pays_cents, 1'234);
  EXPECT_EQ((*sums)[1].collects_cents, 1'233);
  EXPECT_EQ((*sums)[1].collects_minus_pays_cents, -1);
  // Residuals of variation margin and final settlement in one currency are summed; a
  // currency with no residual counts as zero.
  const std::vector<CashResidual> residuals = {{"USD", -3}, {"USD", 2}, {"EUR", 700}};
  EXPECT_TRUE(CheckVariationMarginMeetsResidual(*sums, residuals).ok());
  const std::vector<CashResidual> usd_only = {{"USD", -1}};
  EXPECT_EQ(CheckVariationMarginMeetsResidual(*sums, usd_only).code(),
            absl::StatusCode::kFailedPrecondition);
  // Two pays of INT64_MAX do not sum.
  std::vector<Obligation> huge(2);
  huge[0].currency = huge[1].currency = "USD";
  huge[0].vm_cents = huge[1].vm_cents = kMax;
  EXPECT_EQ(SumVariationMargin(huge).status().code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace tc::settlement
