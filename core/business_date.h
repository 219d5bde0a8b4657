// Business dates: calendar days (no time zone) in ISO form "YYYY-MM-DD".
//
//   absl::StatusOr<absl::CivilDay> day = ParseBusinessDate("trade_date", "2026-11-23");
//   FormatBusinessDate(*day);  // "2026-11-23"
#ifndef TOKENCLEAR_CORE_BUSINESS_DATE_H_
#define TOKENCLEAR_CORE_BUSINESS_DATE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace tc {

// Strict YYYY-MM-DD parse; the error names `field` and the value.
absl::StatusOr<absl::CivilDay> ParseBusinessDate(absl::string_view field, absl::string_view text);
std::string FormatBusinessDate(absl::CivilDay day);

// True on Saturday and Sunday. Exchange holidays come from the calendar table.
bool IsWeekend(absl::CivilDay day);

}  // namespace tc

#endif  // TOKENCLEAR_CORE_BUSINESS_DATE_H_
