// Validation of identifiers that arrive from outside (trade IDs, account IDs, feed IDs,
// instrument codes). One rule for all of them keeps SQL, COPY and logs free of
// surprises: 1 to 64 characters of [A-Za-z0-9._:-], starting with a letter or digit.
//
//   TC_RETURN_IF_ERROR(ValidateIdentifier("trade_id", request.trade_id()));
#ifndef TOKENCLEAR_CORE_IDENTIFIERS_H_
#define TOKENCLEAR_CORE_IDENTIFIERS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace tc {

inline constexpr size_t kMaxIdentifierLength = 64;

// InvalidArgument naming `field` and the offending value when `value` is malformed.
absl::Status ValidateIdentifier(absl::string_view field, absl::string_view value);

// The value shortened for an error message (at most 80 bytes, cut between UTF-8
// characters), so hostile input cannot bloat errors or break their encoding.
absl::string_view ShortenForMessage(absl::string_view value);

}  // namespace tc

#endif  // TOKENCLEAR_CORE_IDENTIFIERS_H_
