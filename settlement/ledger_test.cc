// The ledger's pure rules: account ids, the balance check, payload hashes, the posting
// plan for variation margin and final settlement with its rounding residual, reversals.
// Every expected amount is worked out by hand in the comment beside it.
#include "settlement/ledger.h"

#include <limits>
#include <map>

#include "gtest/gtest.h"

namespace tc::settlement {
namespace {

using clearing::Origin;

const absl::CivilDay kDate(2026, 11, 30);
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

JournalEntry TwoLines(int64_t debit_cents, int64_t credit_cents) {
  JournalEntry e;
  e.idempotency_key = "TEST/1";
  e.business_date = kDate;
  e.kind = "TEST";
  e.lines = {{CcpAccount(LedgerAccountKind::kSettlementBank, "USD"), debit_cents},
             {MemberCashAccount("CM01", Origin::kHouse, "USD"), credit_cents}};
  return e;
}

// Sum of every line per (account id): what the plan does to each balance.
std::map<std::string, int64_t> Balances(const std::vector<JournalEntry>& entries) {
  std::map<std::string, int64_t> balances;
  for (const JournalEntry& e : entries) {
    for (const JournalLine& l : e.lines) balances[l.account.ledger_account_id] += l.amount_cents;
  }
  return balances;
}

TEST(LedgerTest, AccountIdsAreDeterministic) {
  EXPECT_EQ(MemberCashAccount("CM01", Origin::kHouse, "USD").ledger_account_id,
            "CM01:HOUSE:CASH:USD");
  const LedgerAccount customer = MemberCashAccount("CM02", Origin::kCustomer, "EUR");
  EXPECT_EQ(customer.ledger_account_id, "CM02:CUSTOMER:CASH:EUR");
  EXPECT_EQ(customer.kind, LedgerAccountKind::kMemberCash);
  EXPECT_EQ(customer.member_id, "CM02");
  EXPECT_EQ(customer.origin, Origin::kCustomer);
  EXPECT_EQ(CcpAccount(LedgerAccountKind::kCcpVmSettlement, "USD").ledger_account_id,
            "CCP:VM_SETTLEMENT:USD");
  EXPECT_EQ(CcpAccount(LedgerAccountKind::kCcpFinalSettlement, "USD").ledger_account_id,
            "CCP:FINAL_SETTLEMENT:USD");
  EXPECT_EQ(CcpAccount(LedgerAccountKind::kCcpRounding, "USD").ledger_account_id,
            "CCP:ROUNDING:USD");
  const LedgerAccount bank = CcpAccount(LedgerAccountKind::kSettlementBank, "USD");
  EXPECT_EQ(bank.ledger_account_id, "BANK:SETTLEMENT:USD");
  EXPECT_TRUE(bank.member_id.empty());
  EXPECT_FALSE(bank.origin.has_value());
}

TEST(LedgerTest, KindNamesRoundTrip) {
  for (LedgerAccountKind kind :
       {LedgerAccountKind::kMemberCash, LedgerAccountKind::kCcpVmSettlement,
        LedgerAccountKind::kCcpFinalSettlement, LedgerAccountKind::kCcpRounding,
        LedgerAccountKind::kSettlementBank}) {
    EXPECT_EQ(LedgerAccountKindFromName(LedgerAccountKindName(kind)), kind);
  }
  EXPECT_EQ(LedgerAccountKindName(LedgerAccountKind::kCcpVmSettlement), "CCP_VM_SETTLEMENT");
  EXPECT_FALSE(LedgerAccountKindFromName("member_cash").has_value());
  EXPECT_EQ(OriginFromName("CUSTOMER"), Origin::kCustomer);
  EXPECT_FALSE(OriginFromName("house").has_value());
}

TEST(LedgerTest, CheckBalancedAcceptsABalancedEntry) {
  EXPECT_TRUE(CheckBalanced(TwoLines(500, -500)).ok());
  JournalEntry three = TwoLines(500, -300);
  three.lines.push_back({MemberCashAccount("CM01", Origin::kCustomer, "USD"), -200});
  EXPECT_TRUE(CheckBalanced(three).ok());
}

TEST(LedgerTest, CheckBalancedRefusesWhatTheDatabaseWouldRefuse) {
  EXPECT_EQ(CheckBalanced(TwoLines(500, -499)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckBalanced(TwoLines(0, 0)).code(), absl::StatusCode::kFailedPrecondition);
  JournalEntry one = TwoLines(500, -500);
  one.lines.pop_back();
  absl::Status status = CheckBalanced(one);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("TEST/1"), std::string::npos) << status;
  EXPECT_NE(status.message().find("at least two"), std::string::npos) << status;
  JournalEntry no_key = TwoLines(5, -5);
  no_key.idempotency_key = "";
  EXPECT_FALSE(CheckBalanced(no_key).ok());
  JournalEntry long_key = TwoLines(5, -5);
  long_key.idempotency_key = std::string(201, 'k');
  EXPECT_FALSE(CheckBalanced(long_key).ok());
  JournalEntry bad_kind = TwoLines(5, -5);
  bad_kind.kind = "lower";
  EXPECT_FALSE(CheckBalanced(bad_kind).ok());
  JournalEntry bad_currency = TwoLines(5, -5);
  bad_currency.lines[0].account.currency = "usd";
  EXPECT_FALSE(CheckBalanced(bad_currency).ok());
  JournalEntry member_less = TwoLines(5, -5);
  member_less.lines[1].account.member_id = "";
  EXPECT_FALSE(CheckBalanced(member_less).ok());
  JournalEntry ccp_with_member = TwoLines(5, -5);
  ccp_with_member.lines[0].account.member_id = "CM01";
  EXPECT_FALSE(CheckBalanced(ccp_with_member).ok());
}

TEST(LedgerTest, CheckBalancedBalancesEachCurrencyOnItsOwn) {
  // +5 USD, -5 EUR sums to zero overall but balances neither currency.
  JournalEntry mixed = TwoLines(5, -5);
  mixed.lines[1].account = MemberCashAccount("CM01", Origin::kHouse, "EUR");
  EXPECT_EQ(CheckBalanced(mixed).code(), absl::StatusCode::kFailedPrecondition);
  // +5 USD -5 USD +7 EUR -7 EUR balances both.
  mixed.lines[1].account = MemberCashAccount("CM01", Origin::kHouse, "USD");
  mixed.lines.push_back({CcpAccount(LedgerAccountKind::kSettlementBank, "EUR"), 7});
  mixed.lines.push_back({MemberCashAccount("CM01", Origin::kHouse, "EUR"), -7});
  EXPECT_TRUE(CheckBalanced(mixed).ok());
  // One account id may not carry two currencies.
  mixed.lines[3].account.ledger_account_id = "CM01:HOUSE:CASH:USD";
  EXPECT_FALSE(CheckBalanced(mixed).ok());
}

TEST(LedgerTest, CheckBalancedSumsWithOverflowChecks) {
  // max + max overflows, even though max + max - max - max - ... could be argued zero.
  JournalEntry big = TwoLines(kMax, kMax);
  big.lines.push_back({MemberCashAccount("CM02", Origin::kHouse, "USD"), -kMax});
  big.lines.push_back({MemberCashAccount("CM03", Origin::kHouse, "USD"), -kMax});
  absl::Status status = CheckBalanced(big);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("overflow"), std::string::npos) << status;
  // The largest amounts that fit balance fine.
  EXPECT_TRUE(CheckBalanced(TwoLines(kMax, -kMax)).ok());
  // INT64_MIN could never be reversed.
  EXPECT_FALSE(CheckBalanced(TwoLines(std::numeric_limits<int64_t>::min(), kMax)).ok());
}

TEST(LedgerTest, PayloadHashCoversEveryField) {
  const JournalEntry base = TwoLines(500, -500);
  EXPECT_EQ(PayloadHash(base), PayloadHash(TwoLines(500, -500)));
  std::vector<JournalEntry> changed(8, base);
  changed[0].idempotency_key = "TEST/2";
  changed[1].business_date = kDate + 1;
  changed[2].kind = "OTHER";
  changed[3].description = "x";
  changed[4].eod_step = "VM_POST";
  changed[5].reverses_key = "TEST/0";
  changed[6].lines[0].amount_cents = 501;
  changed[7].lines[1].account.origin = Origin::kCustomer;
  for (const JournalEntry& e : changed) EXPECT_NE(PayloadHash(e), PayloadHash(base));
  // Length prefixes: text moved between two fields changes the hash.
  JournalEntry a = base, b = base;
  a.kind = "AB";
  a.description = "C";
  b.kind = "A";
  b.description = "BC";
  EXPECT_NE(PayloadHash(a), PayloadHash(b));
}

TEST(LedgerTest, AMemberWhoCollectsIsCreditedAndOneWhoPaysIsDebited) {
  // CM01 house collects $50.00, CM02 house pays $50.00: no residual.
  CashSettlement cash{{{"CM01", Origin::kHouse, "USD", 50'000'000, 5'000},
                       {"CM02", Origin::kHouse, "USD", -50'000'000, -5'000}},
                      {{"USD", 0}}};
  absl::StatusOr<std::vector<JournalEntry>> plan =
      PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "VM_POST", cash);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 2u);  // no rounding entry for a zero residual
  const JournalEntry& collect = (*plan)[0];
  EXPECT_EQ(collect.idempotency_key, "VM/2026-11-30/CM01/HOUSE/USD");
  EXPECT_EQ(collect.kind, "VARIATION_MARGIN");
  EXPECT_EQ(collect.eod_step, "VM_POST");
  EXPECT_EQ(collect.business_date, kDate);
  EXPECT_EQ(collect.description, "variation margin 2026-11-30: CM01 HOUSE collects 50.00 USD");
  ASSERT_EQ(collect.lines.size(), 2u);
  EXPECT_EQ(collect.lines[0].account.ledger_account_id, "CM01:HOUSE:CASH:USD");
  EXPECT_EQ(collect.lines[0].amount_cents, -5'000);  // credit: the CCP owes CM01
  EXPECT_EQ(collect.lines[1].account.ledger_account_id, "CCP:VM_SETTLEMENT:USD");
  EXPECT_EQ(collect.lines[1].amount_cents, 5'000);
  const JournalEntry& pay = (*plan)[1];
  EXPECT_EQ(pay.idempotency_key, "VM/2026-11-30/CM02/HOUSE/USD");
  EXPECT_EQ(pay.lines[0].amount_cents, 5'000);  // debit: CM02 owes the CCP
  EXPECT_EQ(pay.lines[1].amount_cents, -5'000);
  const std::map<std::string, int64_t> balances = Balances(*plan);
  EXPECT_EQ(balances.at("CCP:VM_SETTLEMENT:USD"), 0);
  EXPECT_EQ(balances.at("CM01:HOUSE:CASH:USD"), -5'000);
  EXPECT_EQ(balances.at("CM02:HOUSE:CASH:USD"), 5'000);
}

TEST(LedgerTest, TheRoundingResidualMovesToTheRoundingAccount) {
  // cash_cents_test's example: 0.6 + 0.6 - 1.2 cents round to +1 +1 -1, so the members
  // collect one cent more than they pay and the CCP's rounding account pays it (-1).
  CashSettlement cash{{{"CM01", Origin::kHouse, "USD", 6'000, 1},
                       {"CM01", Origin::kCustomer, "USD", 6'000, 1},
                       {"CM02", Origin::kHouse, "USD", -12'000, -1}},
                      {{"USD", -1}}};
  absl::StatusOr<std::vector<JournalEntry>> plan =
      PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "VM_POST", cash);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 4u);
  EXPECT_EQ((*plan)[1].idempotency_key, "VM/2026-11-30/CM01/CUSTOMER/USD");
  const JournalEntry& rounding = (*plan)[3];
  EXPECT_EQ(rounding.idempotency_key, "VM/2026-11-30/ROUNDING/USD");
  EXPECT_EQ(rounding.kind, "VARIATION_MARGIN_ROUNDING");
  EXPECT_EQ(rounding.description,
            "variation margin 2026-11-30: the rounding account pays 0.01 USD");
  // Calls leave +1 +1 -1 = +1 on the settlement account; the residual line takes it off.
  EXPECT_EQ(rounding.lines[0].account.ledger_account_id, "CCP:VM_SETTLEMENT:USD");
  EXPECT_EQ(rounding.lines[0].amount_cents, -1);
  EXPECT_EQ(rounding.lines[1].account.ledger_account_id, "CCP:ROUNDING:USD");
  EXPECT_EQ(rounding.lines[1].amount_cents, 1);  // debit: the rounding account paid a cent
  const std::map<std::string, int64_t> balances = Balances(*plan);
  EXPECT_EQ(balances.at("CCP:VM_SETTLEMENT:USD"), 0);
  EXPECT_EQ(balances.at("CCP:ROUNDING:USD"), 1);
}

TEST(LedgerTest, FinalSettlementUsesItsOwnAccountKeysAndKinds) {
  // -1.6 + 0.4 + 0.4 + 0.8 cents round to -2 + 0 + 0 + 1: the members pay one cent more
  // than they collect, and the rounding account collects it (+1).
  CashSettlement cash{{{"CM01", Origin::kHouse, "USD", -16'000, -2},
                       {"CM02", Origin::kCustomer, "USD", 4'000, 0},
                       {"CM03", Origin::kHouse, "USD", 4'000, 0},
                       {"CM04", Origin::kHouse, "USD", 8'000, 1}},
                      {{"USD", 1}}};
  absl::StatusOr<std::vector<JournalEntry>> plan =
      PlanCashPostings(kDate, CashPostingKind::kFinalSettlement, "FS_POST", cash);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 3u);  // zero calls make no entry
  EXPECT_EQ((*plan)[0].idempotency_key, "FS/2026-11-30/CM01/HOUSE/USD");
  EXPECT_EQ((*plan)[0].kind, "FINAL_SETTLEMENT");
  EXPECT_EQ((*plan)[0].lines[1].account.ledger_account_id, "CCP:FINAL_SETTLEMENT:USD");
  EXPECT_EQ((*plan)[1].idempotency_key, "FS/2026-11-30/CM04/HOUSE/USD");
  EXPECT_EQ((*plan)[2].idempotency_key, "FS/2026-11-30/ROUNDING/USD");
  EXPECT_EQ((*plan)[2].kind, "FINAL_SETTLEMENT_ROUNDING");
  EXPECT_EQ((*plan)[2].lines[1].amount_cents, -1);  // credit: the rounding account gained
  const std::map<std::string, int64_t> balances = Balances(*plan);
  EXPECT_EQ(balances.at("CCP:FINAL_SETTLEMENT:USD"), 0);
  EXPECT_EQ(balances.count("CCP:VM_SETTLEMENT:USD"), 0u);
}

TEST(LedgerTest, EachCurrencySumsToZeroOnItsOwn) {
  CashSettlement cash{{{"CM01", Origin::kHouse, "USD", 0, 1'234},
                       {"CM02", Origin::kHouse, "USD", 0, -1'233},
                       {"CM01", Origin::kHouse, "EUR", 0, -700},
                       {"CM02", Origin::kCustomer, "EUR", 0, 700}},
                      {{"EUR", 0}, {"USD", -1}}};
  absl::StatusOr<std::vector<JournalEntry>> plan =
      PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "", cash);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 5u);
  EXPECT_EQ((*plan)[4].idempotency_key, "VM/2026-11-30/ROUNDING/USD");
  EXPECT_EQ((*plan)[2].idempotency_key, "VM/2026-11-30/CM01/HOUSE/EUR");
  std::map<std::string, int64_t> per_currency;
  for (const JournalEntry& e : *plan) {
    EXPECT_TRUE(CheckBalanced(e).ok()) << e.idempotency_key;
    for (const JournalLine& l : e.lines) per_currency[l.account.currency] += l.amount_cents;
  }
  EXPECT_EQ(per_currency.at("USD"), 0);
  EXPECT_EQ(per_currency.at("EUR"), 0);
  const std::map<std::string, int64_t> balances = Balances(*plan);
  EXPECT_EQ(balances.at("CCP:VM_SETTLEMENT:USD"), 0);
  EXPECT_EQ(balances.at("CCP:VM_SETTLEMENT:EUR"), 0);
  EXPECT_EQ(balances.at("CM01:HOUSE:CASH:EUR"), 700);  // CM01 pays $7.00
}

TEST(LedgerTest, APlanThatDoesNotMeetIsRefused) {
  // The residual says +1 but the calls need -1 to meet.
  CashSettlement wrong{{{"CM01", Origin::kHouse, "USD", 0, 1}}, {{"USD", 1}}};
  EXPECT_EQ(PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "", wrong).status().code(),
            absl::StatusCode::kFailedPrecondition);
  CashSettlement missing{{{"CM01", Origin::kHouse, "USD", 0, 1}}, {}};
  EXPECT_EQ(PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "", missing).status().code(),
            absl::StatusCode::kFailedPrecondition);
  CashSettlement twice{
      {{"CM01", Origin::kHouse, "USD", 0, 1}, {"CM01", Origin::kHouse, "USD", 0, 1}},
      {{"USD", -2}}};
  EXPECT_EQ(PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "", twice).status().code(),
            absl::StatusCode::kInvalidArgument);
  CashSettlement bad_member{{{"CM/01", Origin::kHouse, "USD", 0, 1}}, {{"USD", -1}}};
  EXPECT_EQ(
      PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "", bad_member).status().code(),
      absl::StatusCode::kInvalidArgument);
  CashSettlement bad_currency{{{"CM01", Origin::kHouse, "usd", 0, 1}}, {{"usd", -1}}};
  EXPECT_EQ(
      PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "", bad_currency).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(LedgerTest, OverflowingCallsAreOutOfRange) {
  CashSettlement cash{
      {{"CM01", Origin::kHouse, "USD", 0, kMax}, {"CM02", Origin::kHouse, "USD", 0, kMax}},
      {{"USD", 0}}};
  EXPECT_EQ(PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "", cash).status().code(),
            absl::StatusCode::kOutOfRange);
  CashSettlement minimum{{{"CM01", Origin::kHouse, "USD", 0, std::numeric_limits<int64_t>::min()}},
                         {{"USD", 0}}};
  EXPECT_EQ(PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "", minimum).status().code(),
            absl::StatusCode::kOutOfRange);
  // The largest call that fits plans fine.
  CashSettlement largest{
      {{"CM01", Origin::kHouse, "USD", 0, kMax}, {"CM02", Origin::kHouse, "USD", 0, -kMax}},
      {{"USD", 0}}};
  EXPECT_TRUE(PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "", largest).ok());
}

TEST(LedgerTest, AReversalNegatesEveryLine) {
  CashSettlement cash{
      {{"CM01", Origin::kHouse, "USD", 0, 5'000}, {"CM02", Origin::kHouse, "USD", 0, -5'000}},
      {{"USD", 0}}};
  absl::StatusOr<std::vector<JournalEntry>> plan =
      PlanCashPostings(kDate, CashPostingKind::kVariationMargin, "VM_POST", cash);
  ASSERT_TRUE(plan.ok()) << plan.status();
  const JournalEntry reversal = Reversal((*plan)[0], kDate + 1, "CORRECTION");
  EXPECT_EQ(reversal.idempotency_key, "REV/VM/2026-11-30/CM01/HOUSE/USD");
  EXPECT_EQ(reversal.reverses_key, "VM/2026-11-30/CM01/HOUSE/USD");
  EXPECT_EQ(reversal.kind, "REVERSAL");
  EXPECT_EQ(reversal.business_date, kDate + 1);
  EXPECT_EQ(reversal.eod_step, "CORRECTION");
  ASSERT_EQ(reversal.lines.size(), 2u);
  EXPECT_EQ(reversal.lines[0].account, (*plan)[0].lines[0].account);
  EXPECT_EQ(reversal.lines[0].amount_cents, 5'000);
  EXPECT_EQ(reversal.lines[1].amount_cents, -5'000);
  EXPECT_TRUE(CheckBalanced(reversal).ok());
  std::vector<JournalEntry> both = {(*plan)[0], reversal};
  for (const auto& [account, cents] : Balances(both)) EXPECT_EQ(cents, 0) << account;
}

}  // namespace
}  // namespace tc::settlement
