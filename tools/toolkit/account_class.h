// Account classes as the tools spell them on the command line and in their output:
// "member", "hedger", "speculator" (each has its own initial-to-maintenance ratio,
// margin/risk_parameters.h). Parsing reports the --account_class flag both tools use.
//
//   absl::StatusOr<margin::AccountClass> c = ParseAccountClass("hedger");  // kHedger
//   AccountClassName(margin::AccountClass::kSpeculator);                  // "speculator"
#ifndef TOKENCLEAR_TOOLS_TOOLKIT_ACCOUNT_CLASS_H_
#define TOKENCLEAR_TOOLS_TOOLKIT_ACCOUNT_CLASS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "margin/risk_parameters.h"

namespace tc::tools {

// INVALID_ARGUMENT "--account_class 'TEXT' is not member, hedger or speculator" unless
// `text` is one of the three names (lower case, exactly).
absl::StatusOr<margin::AccountClass> ParseAccountClass(absl::string_view text);

// The name ParseAccountClass reads back.
absl::string_view AccountClassName(margin::AccountClass account_class);

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_TOOLKIT_ACCOUNT_CLASS_H_
