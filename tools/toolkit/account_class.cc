// Account-class names for the tools (see account_class.h).
#include "tools/toolkit/account_class.h"

#include "absl/strings/str_cat.h"

namespace tc::tools {
namespace {

struct Named {
  margin::AccountClass account_class;
  absl::string_view name;
};

constexpr Named kNames[] = {
    {margin::AccountClass::kMember, "member"},
    {margin::AccountClass::kHedger, "hedger"},
    {margin::AccountClass::kSpeculator, "speculator"},
};

}  // namespace

absl::StatusOr<margin::AccountClass> ParseAccountClass(absl::string_view text) {
  for (const Named& named : kNames) {
    if (text == named.name) return named.account_class;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--account_class '", text, "' is not member, hedger or speculator"));
}

absl::string_view AccountClassName(margin::AccountClass account_class) {
  for (const Named& named : kNames) {
    if (account_class == named.account_class) return named.name;
  }
  return kNames[0].name;  // not reached: every enumerator is listed
}

}  // namespace tc::tools
