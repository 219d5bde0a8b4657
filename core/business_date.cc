#include "core/business_date.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/identifiers.h"

namespace tc {
namespace {

constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2199;

// Ten characters, digits but for the two dashes of YYYY-MM-DD.
bool HasDateForm(absl::string_view text) {
  if (text.size() != 10) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? text[i] != '-' : !absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseBusinessDate(absl::string_view field, absl::string_view text) {
  absl::CivilDay day;
  // ParseCivilTime takes the YYYY-MM-DD form but normalizes (2026-02-30 is 2026-03-02)
  // and allows any year: a date that does not print back as sent is not a calendar
  // date, and years are kept within a sane window. Each case says what is wrong.
  if (!HasDateForm(text)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " '", ShortenForMessage(text),
                                                   "' is not a date of the form YYYY-MM-DD"));
  }
  if (!absl::ParseCivilTime(text, &day) || FormatBusinessDate(day) != text) {
    return absl::InvalidArgumentError(absl::StrCat(field, " '", text, "' is not a calendar date"));
  }
  if (day.year() < kMinYear || day.year() > kMaxYear) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " '", text, "' is outside ", kMinYear, "-01-01..", kMaxYear, "-12-31"));
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
