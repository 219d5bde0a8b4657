#include "formats/decimal_text.h"

#include "absl/strings/str_cat.h"
#include "core/check.h"
#include "core/fixed_point.h"

namespace tc::formats {

absl::StatusOr<int64_t> ParseXsdNumber(absl::string_view text, int scale_digits) {
  return ParseFixed(text, scale_digits, {.allow_exponent = true, .round_extra_decimals = true});
}

absl::StatusOr<int64_t> ParseImpliedDecimal(absl::string_view digits, int implied_decimals,
                                            int scale_digits) {
  TC_CHECK(implied_decimals >= 0 && static_cast<size_t>(implied_decimals) <= digits.size())
      << "implied_decimals=" << implied_decimals << " for " << digits.size() << " digits";
  const size_t whole = digits.size() - static_cast<size_t>(implied_decimals);
  absl::string_view fraction = digits.substr(whole);
  // Trailing zeros beyond the target scale carry no value; anything else is an error.
  while (static_cast<int>(fraction.size()) > scale_digits && fraction.back() == '0') {
    fraction.remove_suffix(1);
  }
  return ParseFixed(absl::StrCat(digits.substr(0, whole), ".", fraction), scale_digits);
}

std::string FormatDecimal(int64_t value, int scale_digits) {
  std::string text = FormatFixed(value, scale_digits);
  if (scale_digits == 0) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

}  // namespace tc::formats
