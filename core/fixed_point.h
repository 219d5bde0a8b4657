// Fixed-point decimal arithmetic for money, prices and deltas. Money is never floating
// point in tokenclear: amounts are int64 micro-USD (`amount_micros`), prices are int64
// micro-USD per 1M tokens (`price_micros`).
//
// The one rounding rule: whenever a computation must divide, the exact rational result
// is rounded to the nearest unit of the target scale, halves away from zero, exactly
// once, at the step that documents it. `RoundedDiv` is that rule; nothing else rounds.
//
//   int64_t psr_micros = *ParseFixed("1700.5", kMicroScale);   // 1700500000
//   FormatFixed(psr_micros, kMicroScale);                      // "1700.500000"
//   RoundedDiv(10, 4);                                         // 3 (2.5 -> 3)
//   *ParseFixed("1.25E-7", 6, {.allow_exponent = true,
//                              .round_extra_decimals = true});  // 0 (0.125 micro -> 0)
//
// ParseFixed is the one decimal parser of the tree: file formats reach it through
// formats/decimal_text.h (XML Schema numbers, COBOL implied decimals).
#ifndef TOKENCLEAR_CORE_FIXED_POINT_H_
#define TOKENCLEAR_CORE_FIXED_POINT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tc {

// Number of decimal digits carried by micro-unit values.
inline constexpr int kMicroScale = 6;
inline constexpr int64_t kMicrosPerUnit = 1'000'000;

// 10^digits for 0 <= digits <= 18.
int64_t PowerOfTen(int digits);

// numerator / denominator rounded half away from zero. Aborts on a zero denominator or
// a result outside int64: both are programmer errors (callers bound their inputs).
int64_t RoundedDiv(__int128 numerator, __int128 denominator);

// Same, but reports overflow instead of aborting, for values that come from input.
std::optional<int64_t> CheckedRoundedDiv(__int128 numerator, __int128 denominator);

// Rescales `value` from `from_digits` to `to_digits` decimals (rounding as above).
int64_t Rescale(int64_t value, int from_digits, int to_digits);

// What ParseFixed accepts beyond a plain decimal ("-12.345", "+7", ".5", "12.").
struct ParseFixedOptions {
  // A decimal exponent after the digits: "1.25E3", "5e-1" (|exponent| <= 400).
  bool allow_exponent = false;
  // A value with more decimals than the scale is rounded once, half away from zero (the
  // one rounding rule), instead of refused.
  bool round_extra_decimals = false;
};

// Parses a decimal such as "-12.345" into an integer with `scale_digits` decimals, with
// integer arithmetic only. By default more decimals than the scale holds is an error,
// never a silent rounding. At most 36 significant digits; a result outside int64 is an
// error. Errors are InvalidArgument "'<text>' <why>".
absl::StatusOr<int64_t> ParseFixed(absl::string_view text, int scale_digits,
                                   const ParseFixedOptions& options = {});

// Formats with exactly `scale_digits` decimals ("-0.500000").
std::string FormatFixed(int64_t value, int scale_digits);

// Checked multiplication for values derived from input.
std::optional<int64_t> CheckedMul(int64_t a, int64_t b);
std::optional<int64_t> CheckedAdd(int64_t a, int64_t b);
std::optional<int64_t> CheckedSub(int64_t a, int64_t b);

}  // namespace tc

#endif  // TOKENCLEAR_CORE_FIXED_POINT_H_
