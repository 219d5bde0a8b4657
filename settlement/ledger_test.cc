// The ledger's pure rules: account ids, the balance check, payload hashes, the posting
// plan for variation margin and final settlement with its rounding residual, reversals,
// and the collateral movements (cash deposits and withdrawals, securities at face).
// Every expected amount is worked out by hand in the comment beside it.
#include "settlement/ledger.h"

#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

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

using LinesT = std::vector<std::pair<std::string, int64_t>>;

// The lines of `e` as (account id, cents), in order, for whole-entry comparisons.
LinesT Lines(const JournalEntry& e) {
  LinesT lines;
  for (const JournalLine& l : e.lines) {
    lines.emplace_back(l.account.ledger_account_id, l.amount_cents);
  }
  return lines;
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
        LedgerAccountKind::kSettlementBank, LedgerAccountKind::kMemberCollateralCash,
        LedgerAccountKind::kMemberCollateralSecurities, LedgerAccountKind::kCustodianSecurities}) {
    EXPECT_EQ(LedgerAccountKindFromName(LedgerAccountKindName(kind)), kind);
  }
  EXPECT_EQ(LedgerAccountKindName(LedgerAccountKind::kCcpVmSettlement), "CCP_VM_SETTLEMENT");
  EXPECT_FALSE(LedgerAccountKindFromName("member_cash").has_value());
  EXPECT_EQ(OriginFromName("CUSTOMER"), Origin::kCustomer);
  EXPECT_FALSE(OriginFromName("house").has_value());
}

TEST(LedgerTest, CollateralAccountIdsAreDeterministic) {
  const LedgerAccount cash =
      MemberAccount(LedgerAccountKind::kMemberCollateralCash, "CM01", Origin::kHouse, "USD");
  EXPECT_EQ(cash.ledger_account_id, "CM01:HOUSE:COLLATERAL_CASH:USD");
  EXPECT_EQ(cash.kind, LedgerAccountKind::kMemberCollateralCash);
  EXPECT_EQ(cash.member_id, "CM01");
  EXPECT_EQ(cash.origin, Origin::kHouse);
  EXPECT_EQ(cash.currency, "USD");
  const LedgerAccount securities = MemberAccount(LedgerAccountKind::kMemberCollateralSecurities,
                                                 "CM02", Origin::kCustomer, "EUR");
  EXPECT_EQ(securities.ledger_account_id, "CM02:CUSTOMER:COLLATERAL_SECURITIES:EUR");
  EXPECT_EQ(securities.origin, Origin::kCustomer);
  // MemberCashAccount is MemberAccount of MEMBER_CASH, field for field.
  EXPECT_EQ(MemberAccount(LedgerAccountKind::kMemberCash, "CM01", Origin::kHouse, "USD"),
            MemberCashAccount("CM01", Origin::kHouse, "USD"));
  const LedgerAccount custodian = CcpAccount(LedgerAccountKind::kCustodianSecurities, "USD");
  EXPECT_EQ(custodian.ledger_account_id, "CCP:CUSTODIAN_SECURITIES:USD");
  EXPECT_TRUE(custodian.member_id.empty());
  EXPECT_FALSE(custodian.origin.has_value());
  EXPECT_EQ(LedgerAccountKindName(LedgerAccountKind::kMemberCollateralCash),
            "MEMBER_COLLATERAL_CASH");
  EXPECT_EQ(LedgerAccountKindName(LedgerAccountKind::kMemberCollateralSecurities),
            "MEMBER_COLLATERAL_SECURITIES");
  EXPECT_EQ(LedgerAccountKindName(LedgerAccountKind::kCustodianSecurities), "CUSTODIAN_SECURITIES");
}

TEST(LedgerTest, ACurrencyIsThreeCapitalLetters) {
  EXPECT_TRUE(IsCurrencyCode("USD"));
  EXPECT_TRUE(IsCurrencyCode("EUR"));
  EXPECT_FALSE(IsCurrencyCode("usd"));
  EXPECT_FALSE(IsCurrencyCode("US"));
  EXPECT_FALSE(IsCurrencyCode("USDT"));
  EXPECT_FALSE(IsCurrencyCode("U$D"));
  EXPECT_FALSE(IsCurrencyCode(""));
}

TEST(LedgerTest, PerMemberKindsAreTheMembersAccounts) {
  EXPECT_TRUE(IsPerMemberKind(LedgerAccountKind::kMemberCash));
  EXPECT_TRUE(IsPerMemberKind(LedgerAccountKind::kMemberCollateralCash));
  EXPECT_TRUE(IsPerMemberKind(LedgerAccountKind::kMemberCollateralSecurities));
  EXPECT_FALSE(IsPerMemberKind(LedgerAccountKind::kCcpVmSettlement));
  EXPECT_FALSE(IsPerMemberKind(LedgerAccountKind::kCcpFinalSettlement));
  EXPECT_FALSE(IsPerMemberKind(LedgerAccountKind::kCcpRounding));
  EXPECT_FALSE(IsPerMemberKind(LedgerAccountKind::kSettlementBank));
  EXPECT_FALSE(IsPerMemberKind(LedgerAccountKind::kCustodianSecurities));
}

TEST(LedgerDeathTest, AnAccountOfTheWrongSideIsAProgrammerError) {
  EXPECT_DEATH(
      MemberAccount(LedgerAccountKind::kCustodianSecurities, "CM01", Origin::kHouse, "USD"),
      "use CcpAccount");
  EXPECT_DEATH(CcpAccount(LedgerAccountKind::kMemberCollateralCash, "USD"), "use MemberAccount");
  EXPECT_DEATH(CcpAccount(LedgerAccountKind::kMemberCash, "USD"), "is per member");
}

TEST(LedgerTest, CheckBalancedWantsMemberAndOriginExactlyOnPerMemberKinds) {
  JournalEntry e = TwoLines(5, -5);
  e.lines[1].account =
      MemberAccount(LedgerAccountKind::kMemberCollateralCash, "CM01", Origin::kHouse, "USD");
  EXPECT_TRUE(CheckBalanced(e).ok());
  JournalEntry no_origin = e;
  no_origin.lines[1].account.origin.reset();
  absl::Status status = CheckBalanced(no_origin);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("a MEMBER_COLLATERAL_CASH account needs member and origin"),
            std::string::npos)
      << status;
  JournalEntry no_member = e;
  no_member.lines[1].account.member_id = "";
  EXPECT_FALSE(CheckBalanced(no_member).ok());
  JournalEntry securities = TwoLines(5, -5);
  securities.lines[0].account = CcpAccount(LedgerAccountKind::kCustodianSecurities, "USD");
  securities.lines[1].account =
      MemberAccount(LedgerAccountKind::kMemberCollateralSecurities, "CM01", Origin::kHouse, "USD");
  EXPECT_TRUE(CheckBalanced(securities).ok());
  JournalEntry custodian_with_member = securities;
  custodian_with_member.lines[0].account.member_id = "CM01";
  custodian_with_member.lines[0].account.origin = Origin::kHouse;
  status = CheckBalanced(custodian_with_member);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("a CUSTODIAN_SECURITIES account has no member and origin"),
            std::string::npos)
      << status;
}

TEST(LedgerTest, ACashDepositDebitsTheBankAndCreditsTheMembersCollateral) {
  // $1,000.00 = 100,000 cents in at the bank; the CCP holds (owes back) the same.
  absl::StatusOr<JournalEntry> deposit =
      PlanCashDeposit("COLL/DEP/1", kDate, "CM01", Origin::kCustomer, "USD", 100'000);
  ASSERT_TRUE(deposit.ok()) << deposit.status();
  EXPECT_EQ(deposit->idempotency_key, "COLL/DEP/1");
  EXPECT_EQ(deposit->business_date, kDate);
  EXPECT_EQ(deposit->kind, "COLLATERAL_DEPOSIT");
  EXPECT_EQ(deposit->description, "cash collateral 2026-11-30: CM01 CUSTOMER deposits 1000.00 USD");
  EXPECT_EQ(deposit->eod_step, "");
  EXPECT_EQ(Lines(*deposit), (LinesT{{"BANK:SETTLEMENT:USD", 100'000},
                                     {"CM01:CUSTOMER:COLLATERAL_CASH:USD", -100'000}}));
  EXPECT_TRUE(CheckBalanced(*deposit).ok());
}

TEST(LedgerTest, ACashWithdrawalMovesCollateralToTheMembersCash) {
  // $250.00 leaves collateral; MEMBER_CASH is credited (the CCP owes it until it pays).
  absl::StatusOr<JournalEntry> withdrawal =
      PlanCashWithdrawal("COLL/WDR/7", kDate, "CM01", Origin::kHouse, "USD", 25'000);
  ASSERT_TRUE(withdrawal.ok()) << withdrawal.status();
  EXPECT_EQ(withdrawal->kind, "COLLATERAL_WITHDRAWAL");
  EXPECT_EQ(withdrawal->description, "cash collateral 2026-11-30: CM01 HOUSE withdraws 250.00 USD");
  EXPECT_EQ(Lines(*withdrawal),
            (LinesT{{"CM01:HOUSE:COLLATERAL_CASH:USD", 25'000}, {"CM01:HOUSE:CASH:USD", -25'000}}));
  // Deposit 1,000.00 then withdraw 250.00: 750.00 stays collateral, 250.00 is owed as cash.
  absl::StatusOr<JournalEntry> deposit =
      PlanCashDeposit("COLL/DEP/1", kDate, "CM01", Origin::kHouse, "USD", 100'000);
  ASSERT_TRUE(deposit.ok()) << deposit.status();
  const std::map<std::string, int64_t> balances = Balances({*deposit, *withdrawal});
  EXPECT_EQ(balances.at("CM01:HOUSE:COLLATERAL_CASH:USD"), -75'000);
  EXPECT_EQ(balances.at("CM01:HOUSE:CASH:USD"), -25'000);
  EXPECT_EQ(balances.at("BANK:SETTLEMENT:USD"), 100'000);
}

TEST(LedgerTest, SecuritiesMoveAtFaceBetweenTheCustodianAndTheMember) {
  // Face $5,000,000.00 = 500,000,000 cents of T-bills delivered, then 200,000,000 returned.
  absl::StatusOr<JournalEntry> in =
      PlanSecuritiesMovement("SEC/1", kDate, "CM02", Origin::kHouse, "USD", 500'000'000, true);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->kind, "SECURITIES_DEPOSIT");
  EXPECT_EQ(in->description,
            "securities collateral 2026-11-30: CM02 HOUSE deposits face 5000000.00 USD");
  EXPECT_EQ(Lines(*in), (LinesT{{"CCP:CUSTODIAN_SECURITIES:USD", 500'000'000},
                                {"CM02:HOUSE:COLLATERAL_SECURITIES:USD", -500'000'000}}));
  absl::StatusOr<JournalEntry> out =
      PlanSecuritiesMovement("SEC/2", kDate, "CM02", Origin::kHouse, "USD", 200'000'000, false);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->kind, "SECURITIES_WITHDRAWAL");
  EXPECT_EQ(Lines(*out), (LinesT{{"CCP:CUSTODIAN_SECURITIES:USD", -200'000'000},
                                 {"CM02:HOUSE:COLLATERAL_SECURITIES:USD", 200'000'000}}));
  const std::map<std::string, int64_t> balances = Balances({*in, *out});
  EXPECT_EQ(balances.at("CCP:CUSTODIAN_SECURITIES:USD"), 300'000'000);
  EXPECT_EQ(balances.at("CM02:HOUSE:COLLATERAL_SECURITIES:USD"), -300'000'000);
}

TEST(LedgerTest, CollateralMovementsRefuseBadInput) {
  auto code_and_message = [](const absl::StatusOr<JournalEntry>& r) {
    return std::make_pair(r.status().code(), std::string(r.status().message()));
  };
  auto [code, message] =
      code_and_message(PlanCashDeposit("K", kDate, "CM01", Origin::kHouse, "USD", 0));
  EXPECT_EQ(code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(message, "amount_cents 0 is not positive");
  std::tie(code, message) =
      code_and_message(PlanCashWithdrawal("K", kDate, "CM01", Origin::kHouse, "USD", -5));
  EXPECT_EQ(code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(message, "amount_cents -5 is not positive");
  std::tie(code, message) =
      code_and_message(PlanSecuritiesMovement("K", kDate, "CM01", Origin::kHouse, "USD", -1, true));
  EXPECT_EQ(code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(message, "face_cents -1 is not positive");
  std::tie(code, message) =
      code_and_message(PlanCashDeposit("", kDate, "CM01", Origin::kHouse, "USD", 1));
  EXPECT_EQ(code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(message, "key has 0 bytes; 1 to 200 allowed");
  EXPECT_EQ(PlanCashDeposit(std::string(201, 'k'), kDate, "CM01", Origin::kHouse, "USD", 1)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  std::tie(code, message) =
      code_and_message(PlanCashDeposit("K", kDate, "CM01", Origin::kHouse, "usd", 1));
  EXPECT_EQ(code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(message, "currency \"usd\" is not three capital letters");
  std::tie(code, message) =
      code_and_message(PlanCashDeposit("K", kDate, "CM/01", Origin::kHouse, "USD", 1));
  EXPECT_EQ(code, absl::StatusCode::kInvalidArgument);
  EXPECT_NE(message.find("member_id"), std::string::npos) << message;
  // The largest amount that fits plans fine (and can be reversed).
  EXPECT_TRUE(PlanCashDeposit("K", kDate, "CM01", Origin::kHouse, "USD", kMax).ok());
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
