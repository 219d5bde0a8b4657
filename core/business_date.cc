#include "core/business_date.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/identifiers.h"

namespace tc {

absl::StatusOr<absl::CivilDay> ParseBusinessDate(absl::string_view field, absl::string_view text) {
  absl::CivilDay day;
  // ParseCivilTime accepts only the exact YYYY-MM-DD form and normalizes nothing, but it
  // does allow out-of-range years; keep dates within a sane window.
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) || day.year() < 2000 ||
      day.year() > 2199 || FormatBusinessDate(day) != text) {
    return absl::InvalidArgumentError(absl::StrCat(field, " '", ShortenForMessage(text),
                                                   "' is not a date of the form YYYY-MM-DD"));
  }
  return day;
}

std::string FormatBusinessDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday;
}

}  // namespace tc
