#include "services/common/page_token.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/identifiers.h"

namespace tc::services {

absl::StatusOr<int64_t> ParseIdPageToken(const std::string& token) {
  if (token.empty()) return 0;
  int64_t after = 0;
  const bool digits = std::all_of(token.begin(), token.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
  if (!digits || !absl::SimpleAtoi(token, &after) || after <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("page_token \"", ShortenForMessage(token),
                                                   "\" is not a token this service gave"));
  }
  return after;
}

std::string IdPageToken(int64_t last_id) { return absl::StrCat(last_id); }

}  // namespace tc::services
