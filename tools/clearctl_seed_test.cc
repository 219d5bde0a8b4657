// Checks the sample seed file (deploy/seed/sample.textproto) parses and is consistent:
// the counts the demo relies on, valid LEIs, accounts and principals that name a member;
// and the choice of the first business date.
//
//   ctest -R clearctl_seed_test
#include <set>
#include <string>

#include "clearing/reference_validation.h"
#include "gtest/gtest.h"
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
  // exchange, 2 treasurers (four-eyes approval), regulator, index provider, 12 members
  EXPECT_EQ(seed.principals_size(), 5 + 12);
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
