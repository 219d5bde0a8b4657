// Checks the sample seed file (deploy/seed/sample.textproto) parses and is consistent:
// the counts the demo relies on, valid LEIs, accounts and principals that name a member,
// the treasury cash reference data (valid routing numbers, a house bank account with a
// mandate for every member, a customer one where it has customer accounts, at a bank
// where the CCP has an account; the collateral class and its securities); and the
// choice of the first business date.
//
//   ctest -R clearctl_seed_test
#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "clearing/reference_validation.h"
#include "core/business_date.h"
#include "gtest/gtest.h"
#include "payments/payment_instruction.h"
#include "tools/seed_file.h"

namespace tc::tools {
namespace {

namespace pb = ::tokenclear::v1;

pb::SeedFile Sample() {
  absl::StatusOr<pb::SeedFile> seed = LoadSeedFile(TC_SAMPLE_SEED_PATH);
  EXPECT_TRUE(seed.ok()) << seed.status();
  return seed.ok() ? *seed : pb::SeedFile();
}

std::set<std::string> MemberIds(const pb::SeedFile& seed) {
  std::set<std::string> ids;
  for (const pb::Member& member : seed.members()) ids.insert(member.member_id());
  return ids;
}

TEST(SampleSeedTest, HasTheDemoCounts) {
  const pb::SeedFile seed = Sample();
  EXPECT_EQ(seed.products_size(), 2);
  EXPECT_EQ(seed.members_size(), 12);
  EXPECT_EQ(seed.accounts_size(), 48);
  // exchange, 2 treasurers and 2 risk principals (four-eyes approval), regulator, index
  // provider, 12 members
  EXPECT_EQ(seed.principals_size(), 7 + 12);
  EXPECT_EQ(seed.holidays_size(), 12);
  EXPECT_EQ(MemberIds(seed).size(), 12u);
}

TEST(SampleSeedTest, EveryLeiIsValid) {
  const pb::SeedFile seed = Sample();
  for (const pb::Member& member : seed.members()) {
    EXPECT_TRUE(clearing::IsValidLei(member.lei())) << member.member_id() << " " << member.lei();
  }
}

TEST(SampleSeedTest, AccountsAndMemberPrincipalsNameAMember) {
  const pb::SeedFile seed = Sample();
  const std::set<std::string> members = MemberIds(seed);
  for (const pb::Account& account : seed.accounts()) {
    EXPECT_TRUE(members.contains(account.member_id())) << account.account_id();
    EXPECT_EQ(account.status(), pb::ACCOUNT_STATUS_ACTIVE) << account.account_id();
    EXPECT_EQ(account.origin() == pb::ORIGIN_CUSTOMER, !account.customer_name().empty())
        << account.account_id();
  }
  for (const pb::Principal& principal : seed.principals()) {
    EXPECT_EQ(principal.role() == pb::ROLE_MEMBER, members.contains(principal.member_id()))
        << principal.principal_id();
    EXPECT_GE(principal.token().size(), 16u) << principal.principal_id();
  }
}

TEST(SampleSeedTest, HasTheCashCounts) {
  const pb::SeedFile seed = Sample();
  ASSERT_TRUE(seed.has_cash());
  const pb::UpsertCashReferenceRequest& cash = seed.cash();
  EXPECT_EQ(cash.ccp_bank_accounts_size(), 2);
  EXPECT_EQ(cash.member_bank_accounts_size(), 12 * 2);  // house and customer per member
  EXPECT_EQ(cash.collateral_classes_size(), 1);
  EXPECT_EQ(cash.collateral_securities_size(), 2);
  ASSERT_TRUE(cash.has_settings());
  EXPECT_EQ(cash.settings().collect_deadline_seconds(), 3600);
  EXPECT_EQ(cash.settings().intraday_call_threshold(), "10000.00");
  EXPECT_TRUE(payments::ValidateLei("ccp_lei", cash.settings().ccp_lei()).ok());
  EXPECT_TRUE(payments::ValidateIsoText("ccp_name", cash.settings().ccp_name(), true).ok());
}

TEST(SampleSeedTest, CcpBankAccountsAreValidAndOnTwoBanks) {
  const pb::SeedFile seed = Sample();
  std::set<std::string> banks, numbers;
  for (const pb::CcpBankAccount& a : seed.cash().ccp_bank_accounts()) {
    EXPECT_TRUE(payments::ValidateAbaRoutingNumber("bank_aba", a.bank_aba()).ok()) << a.bank_aba();
    EXPECT_TRUE(payments::ValidateCurrency("currency", a.currency()).ok()) << a.bank_aba();
    EXPECT_TRUE(payments::ValidateAccountNumber("account_number", a.account_number()).ok())
        << a.account_number();
    banks.insert(a.bank_aba());
    EXPECT_TRUE(numbers.insert(a.account_number()).second) << a.account_number();
  }
  EXPECT_EQ(banks.size(), 2u);
}

TEST(SampleSeedTest, EveryMemberHasAHouseBankAccountWithAMandate) {
  const pb::SeedFile seed = Sample();
  std::set<std::pair<std::string, std::string>> ccp_accounts;  // (bank, currency)
  for (const pb::CcpBankAccount& a : seed.cash().ccp_bank_accounts()) {
    ccp_accounts.insert({a.bank_aba(), a.currency()});
  }
  std::set<std::string> with_customers;
  for (const pb::Account& account : seed.accounts()) {
    if (account.origin() == pb::ORIGIN_CUSTOMER) with_customers.insert(account.member_id());
  }
  const std::set<std::string> members = MemberIds(seed);
  std::map<std::string, std::set<std::string>> origins;  // member -> origins with an account
  std::set<std::string> banks_used, mandates;
  for (const pb::MemberBankAccount& a : seed.cash().member_bank_accounts()) {
    const std::string what = a.member_id() + " " + a.origin();
    EXPECT_TRUE(members.contains(a.member_id())) << what;
    EXPECT_TRUE(a.origin() == "HOUSE" || a.origin() == "CUSTOMER") << what;
    EXPECT_TRUE(origins[a.member_id()].insert(a.origin()).second) << what << " twice";
    EXPECT_TRUE(ccp_accounts.contains({a.bank_aba(), a.currency()}))
        << what << ": the CCP has no " << a.currency() << " account at " << a.bank_aba();
    EXPECT_TRUE(payments::ValidateAccountNumber("account_number", a.account_number()).ok()) << what;
    EXPECT_TRUE(payments::ValidateIsoId("mandate_id", a.mandate_id()).ok()) << what;
    EXPECT_TRUE(mandates.insert(a.mandate_id()).second) << what << ": mandate reused";
    EXPECT_LT(a.mandate_signed(), "2026-01-01") << what;
    EXPECT_TRUE(ParseBusinessDate("mandate_signed", a.mandate_signed()).ok()) << what;
    banks_used.insert(a.bank_aba());
  }
  for (const std::string& member : members) {
    EXPECT_TRUE(origins[member].contains("HOUSE")) << member << " has no HOUSE bank account";
    EXPECT_EQ(origins[member].contains("CUSTOMER"), with_customers.contains(member)) << member;
  }
  EXPECT_EQ(banks_used.size(), 2u) << "members spread over both settlement banks";
}

TEST(SampleSeedTest, CollateralClassAndSecurities) {
  const pb::SeedFile seed = Sample();
  std::set<std::string> classes;
  for (const pb::CollateralClass& c : seed.cash().collateral_classes()) {
    classes.insert(c.class_code());
    EXPECT_GT(c.concentration_limit_bps(), 0) << c.class_code();
    EXPECT_LE(c.concentration_limit_bps(), 10000) << c.class_code();
    ASSERT_GT(c.haircuts_size(), 0) << c.class_code();
    for (int i = 0; i < c.haircuts_size(); ++i) {
      EXPECT_GE(c.haircuts(i).haircut_bps(), 0) << c.class_code() << " band " << i;
      EXPECT_LE(c.haircuts(i).haircut_bps(), 10000) << c.class_code() << " band " << i;
      if (i > 0) {
        EXPECT_GT(c.haircuts(i).max_days_to_maturity(), c.haircuts(i - 1).max_days_to_maturity())
            << c.class_code() << " band " << i;
      }
    }
  }
  EXPECT_TRUE(classes.contains("UST_BILL"));
  for (const pb::CollateralSecurity& s : seed.cash().collateral_securities()) {
    EXPECT_TRUE(classes.contains(s.class_code())) << s.security_id();
    EXPECT_GE(s.security_id().size(), 9u) << s.security_id();
    EXPECT_LE(s.security_id().size(), 12u) << s.security_id();
    for (char c : s.security_id()) {
      EXPECT_TRUE(absl::ascii_isupper(c) || absl::ascii_isdigit(c)) << s.security_id();
    }
    EXPECT_TRUE(payments::ValidateCurrency("currency", s.currency()).ok()) << s.security_id();
    EXPECT_TRUE(ParseBusinessDate("maturity_date", s.maturity_date()).ok()) << s.security_id();
    EXPECT_EQ(s.maturity_date().substr(0, 4), "2027") << s.security_id();
  }
}

TEST(SeedFileTest, MissingOrMalformedFileIsAnError) {
  EXPECT_EQ(LoadSeedFile("/nonexistent/seed.textproto").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(FirstBusinessDateTest, SkipsWeekendsAndTheSeedsHolidays) {
  const pb::SeedFile seed = Sample();
  // Thanksgiving 2026 (Thursday) -> Friday; Christmas Day 2026 (Friday) -> Monday.
  EXPECT_EQ(*FirstBusinessDate(seed, "", absl::CivilDay(2026, 11, 26)),
            absl::CivilDay(2026, 11, 27));
  EXPECT_EQ(*FirstBusinessDate(seed, "", absl::CivilDay(2026, 12, 25)),
            absl::CivilDay(2026, 12, 28));
  EXPECT_EQ(*FirstBusinessDate(seed, "", absl::CivilDay(2026, 11, 23)),
            absl::CivilDay(2026, 11, 23));
}

TEST(FirstBusinessDateTest, RequestedThenSeedDateWin) {
  pb::SeedFile seed = Sample();
  seed.set_first_business_date("2026-12-01");
  EXPECT_EQ(*FirstBusinessDate(seed, "", absl::CivilDay(2026, 11, 23)),
            absl::CivilDay(2026, 12, 1));
  EXPECT_EQ(*FirstBusinessDate(seed, "2026-12-02", absl::CivilDay(2026, 11, 23)),
            absl::CivilDay(2026, 12, 2));
  EXPECT_FALSE(FirstBusinessDate(seed, "2026-13-02", absl::CivilDay(2026, 11, 23)).ok());
}

}  // namespace
}  // namespace tc::tools
