// One line of a positional (fixed-column) file, such as a CME .pa2 risk-parameter file or
// an 80-column regulatory record, read by 1-based inclusive column ranges exactly as the
// published layouts number them.
// Columns past the end of a short line read as blanks (writers trim trailing blanks).
// Errors name the line number, the field, its columns and the offending text.
//
//   FixedWidthLine line(text, /*line_number=*/12);
//   TC_ASSIGN_OR_RETURN(int64_t priority, line.Unsigned("priority", 11, 12));
//   std::string cc = line.Trimmed(3, 8);
#ifndef TOKENCLEAR_FORMATS_FIXED_WIDTH_LINE_H_
#define TOKENCLEAR_FORMATS_FIXED_WIDTH_LINE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tc::formats {

class FixedWidthLine {
 public:
  FixedWidthLine(absl::string_view text, int line_number);

  int line_number() const { return line_number_; }

  // Columns first..last (1-based, inclusive), blank-padded.
  std::string Text(int first, int last) const;
  // Same without leading and trailing blanks.
  std::string Trimmed(int first, int last) const;
  bool IsBlank(int first, int last) const;

  // An all-digit field as an integer (no sign, no blanks).
  absl::StatusOr<int64_t> Unsigned(absl::string_view field, int first, int last) const;
  // An all-digit field with `implied_decimals` implied decimals (COBOL 9(n)V9(m)), as an
  // integer with `scale_digits` decimals. Exact: a value needing more decimals than
  // scale_digits is an error, never rounded (formats/decimal_text.h ParseImpliedDecimal).
  absl::StatusOr<int64_t> Decimal(absl::string_view field, int first, int last,
                                  int implied_decimals, int scale_digits) const;
  // The sign byte at `column`: '+' or blank is +1, '-' is -1.
  absl::StatusOr<int> Sign(absl::string_view field, int column) const;

  // InvalidArgument "line N: <field> (columns a-b) = '<text>' <why>".
  absl::Status Error(absl::string_view field, int first, int last, absl::string_view why) const;

 private:
  std::string text_;
  int line_number_;
};

}  // namespace tc::formats

#endif  // TOKENCLEAR_FORMATS_FIXED_WIDTH_LINE_H_
