// Decimal numbers as file formats write them, converted exactly to and from integers with
// a fixed number of decimals (micro-units, ppm). Parsing goes through core's ParseFixed,
// the tree's one decimal parser (core/fixed_point.h); this file only fixes each format's
// lexical rules. No floating point anywhere.
//
//   *ParseXsdNumber("1.25E3", 6);              // 1250000000 (xs:double in a .spn file)
//   *ParseXsdNumber("0.0000005", 6);           // 1 (rounded once, half away from zero)
//   *ParseImpliedDecimal("0012345", 2, 6);     // 123450000 (COBOL 9(5)V9(2) in a .pa2)
//   FormatDecimal(-500'000, 6);                // "-0.5"
#ifndef TOKENCLEAR_FORMATS_DECIMAL_TEXT_H_
#define TOKENCLEAR_FORMATS_DECIMAL_TEXT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tc::formats {

// An XML Schema xs:decimal, or an xs:double in decimal or exponent notation ("-12.5",
// "1.25E3"), as an integer with `scale_digits` decimals: rounded once, half away from
// zero, when the text has more decimals than the scale. INF, NaN, blanks and values
// outside int64 are InvalidArgument.
absl::StatusOr<int64_t> ParseXsdNumber(absl::string_view text, int scale_digits);

// A field of digits with `implied_decimals` implied decimals (COBOL 9(n)V9(m)) as an
// integer with `scale_digits` decimals. Exact: trailing zeros beyond the scale are
// dropped, any other extra decimal is an error, never rounded. The error message is
// ParseFixed's for the digits with the point re-inserted ("'123.45' has more than 1
// decimals"). 0 <= implied_decimals <= digits.size().
absl::StatusOr<int64_t> ParseImpliedDecimal(absl::string_view digits, int implied_decimals,
                                            int scale_digits);

// `value` with `scale_digits` implied decimals as the shortest exact decimal: no trailing
// zeros, no point for whole numbers, "0" for zero ("-0.5", "1000").
std::string FormatDecimal(int64_t value, int scale_digits);

}  // namespace tc::formats

#endif  // TOKENCLEAR_FORMATS_DECIMAL_TEXT_H_
