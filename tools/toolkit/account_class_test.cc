// Checks the account-class names the tools read and print.
//
//   ctest -R toolkit_test
#include "tools/toolkit/account_class.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace tc::tools {
namespace {

using margin::AccountClass;

TEST(ParseAccountClassTest, ReadsTheThreeNames) {
  EXPECT_EQ(*ParseAccountClass("member"), AccountClass::kMember);
  EXPECT_EQ(*ParseAccountClass("hedger"), AccountClass::kHedger);
  EXPECT_EQ(*ParseAccountClass("speculator"), AccountClass::kSpeculator);
}

TEST(ParseAccountClassTest, RefusesAnythingElseNamingTheFlag) {
  for (absl::string_view text : {"", "Member", "HEDGER", "speculator ", "whale"}) {
    EXPECT_EQ(ParseAccountClass(text).status(),
              absl::InvalidArgumentError(
                  absl::StrCat("--account_class '", text, "' is not member, hedger or speculator")))
        << text;
  }
}

TEST(AccountClassNameTest, IsWhatParseReadsBack) {
  for (AccountClass c : {AccountClass::kMember, AccountClass::kHedger, AccountClass::kSpeculator}) {
    EXPECT_EQ(*ParseAccountClass(AccountClassName(c)), c);
  }
  EXPECT_EQ(AccountClassName(AccountClass::kSpeculator), "speculator");
}

}  // namespace
}  // namespace tc::tools
