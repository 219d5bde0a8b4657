#include "reporting/report_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/business_date.h"
#include "core/fixed_point.h"

namespace tc::reporting {

std::string CentsText(int64_t cents) { return FormatFixed(cents, 2); }

std::string MicrosText(int64_t micros) { return FormatFixed(micros, 6); }

std::string ReportTimestamp(absl::CivilDay business_date) {
  return absl::StrCat(FormatBusinessDate(business_date), "T23:59:59Z");
}

std::string CompactDate(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

PaidCollected SplitMemberAmount(int64_t member_amount) {
  // INT64_MIN cannot be negated; no stored amount comes near it (sums are checked).
  if (member_amount >= 0) return {member_amount, 0};
  return {0, member_amount == INT64_MIN ? INT64_MAX : -member_amount};
}

}  // namespace tc::reporting
