// The access rules, one test per rule: role sets, a member's scope, and that another
// member's account cannot be told from a missing one.
#include "clearing/access.h"

#include "clearing/test_reference.h"
#include "gtest/gtest.h"

namespace tc::clearing {
namespace {

const Principal kMember01{"cm01-api", Role::kMember, "CM01"};
const Principal kTreasury{"treasury1", Role::kTreasury, ""};
const Principal kAdmin{"admin", Role::kAdmin, ""};
const Principal kRegulator{"regulator", Role::kRegulator, ""};
const Principal kExchange{"exchange", Role::kExchange, ""};

TEST(RoleNamesTest, RoundTripEveryRole) {
  for (Role role :
       {Role::kAdmin, Role::kExchange, Role::kMember, Role::kTreasury, Role::kRegulator}) {
    EXPECT_EQ(RoleFromName(RoleName(role)), role) << RoleName(role);
  }
  EXPECT_EQ(RoleFromName("ROOT"), std::nullopt);
}

TEST(RequireRoleTest, AdmitsOnlyTheNamedRoles) {
  EXPECT_TRUE(RequireRole(kTreasury, kTreasuryOnly).ok());
  const absl::Status denied = RequireRole(kAdmin, kTreasuryOnly);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("'admin' with role ADMIN"), std::string::npos)
      << denied.message();
}

TEST(RequireRoleTest, AdminAndExchangeDoNotReadMemberData) {
  EXPECT_FALSE(RequireRole(kAdmin, kPositionReaders).ok());
  EXPECT_FALSE(RequireRole(kExchange, kPositionReaders).ok());
  EXPECT_TRUE(RequireRole(kMember01, kPositionReaders).ok());
  EXPECT_TRUE(RequireRole(kRegulator, kPositionReaders).ok());
  EXPECT_TRUE(RequireRole(kTreasury, kPositionReaders).ok());
}

TEST(RequireRoleTest, AnyRoleAdmitsEveryRole) {
  for (const Principal* p : {&kMember01, &kTreasury, &kAdmin, &kRegulator, &kExchange}) {
    EXPECT_TRUE(RequireRole(*p, kAnyRole).ok()) << p->principal_id;
  }
}

TEST(VisibleMemberTest, MemberIsPinnedToItself) {
  EXPECT_EQ(*VisibleMember(kMember01, ""), "CM01");
  EXPECT_EQ(*VisibleMember(kMember01, "CM01"), "CM01");
  EXPECT_EQ(VisibleMember(kMember01, "CM02").status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(VisibleMemberTest, OtherRolesSeeWhatTheyAskFor) {
  EXPECT_EQ(*VisibleMember(kTreasury, ""), "");
  EXPECT_EQ(*VisibleMember(kRegulator, "CM02"), "CM02");
}

TEST(CheckAccountVisibleTest, OwnAccountIsVisible) {
  const ReferenceSnapshot snapshot = testing::SampleSnapshot();
  EXPECT_TRUE(CheckAccountVisible(kMember01, snapshot, "CM01-H").ok());
  EXPECT_TRUE(CheckAccountVisible(kMember01, snapshot, "CM01-C1").ok());
}

TEST(CheckAccountVisibleTest, OtherMembersAccountLooksLikeAMissingOne) {
  const ReferenceSnapshot snapshot = testing::SampleSnapshot();
  const absl::Status other = CheckAccountVisible(kMember01, snapshot, "CM02-H");
  const absl::Status missing = CheckAccountVisible(kMember01, snapshot, "CM77-H");
  EXPECT_EQ(other.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(missing.code(), absl::StatusCode::kPermissionDenied);
  // Same wording but for the id the caller sent itself.
  std::string other_text(other.message()), missing_text(missing.message());
  other_text.replace(other_text.find("CM02-H"), 6, "X");
  missing_text.replace(missing_text.find("CM77-H"), 6, "X");
  EXPECT_EQ(other_text, missing_text);
}

TEST(CheckAccountVisibleTest, NonMembersSeeEveryAccount) {
  const ReferenceSnapshot snapshot = testing::SampleSnapshot();
  EXPECT_TRUE(CheckAccountVisible(kTreasury, snapshot, "CM02-H").ok());
  EXPECT_TRUE(CheckAccountVisible(kRegulator, snapshot, "CM01-C1").ok());
}

}  // namespace
}  // namespace tc::clearing
