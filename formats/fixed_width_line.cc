#include "formats/fixed_width_line.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "formats/decimal_text.h"

namespace tc::formats {

FixedWidthLine::FixedWidthLine(absl::string_view text, int line_number)
    : text_(text), line_number_(line_number) {}

std::string FixedWidthLine::Text(int first, int last) const {
  std::string out;
  for (int column = first; column <= last; ++column) {
    const size_t index = static_cast<size_t>(column - 1);
    out.push_back(index < text_.size() ? text_[index] : ' ');
  }
  return out;
}

std::string FixedWidthLine::Trimmed(int first, int last) const {
  return std::string(absl::StripAsciiWhitespace(Text(first, last)));
}

bool FixedWidthLine::IsBlank(int first, int last) const { return Trimmed(first, last).empty(); }

absl::StatusOr<int64_t> FixedWidthLine::Unsigned(absl::string_view field, int first,
                                                 int last) const {
  const std::string digits = Text(first, last);
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return Error(field, first, last, "is not all digits");
    }
  }
  absl::StatusOr<int64_t> value = ParseFixed(digits, 0);
  if (!value.ok()) return Error(field, first, last, value.status().message());
  return *value;
}

absl::StatusOr<int64_t> FixedWidthLine::Decimal(absl::string_view field, int first, int last,
                                                int implied_decimals, int scale_digits) const {
  absl::StatusOr<int64_t> raw = Unsigned(field, first, last);
  if (!raw.ok()) return raw.status();
  absl::StatusOr<int64_t> value =
      ParseImpliedDecimal(Text(first, last), implied_decimals, scale_digits);
  if (!value.ok()) return Error(field, first, last, value.status().message());
  return *value;
}

absl::StatusOr<int> FixedWidthLine::Sign(absl::string_view field, int column) const {
  const char c = Text(column, column)[0];
  if (c == '+' || c == ' ') return 1;
  if (c == '-') return -1;
  return Error(field, column, column, "is not a sign");
}

absl::Status FixedWidthLine::Error(absl::string_view field, int first, int last,
                                   absl::string_view why) const {
  return absl::InvalidArgumentError(absl::StrCat("line ", line_number_, ": ", field, " (columns ",
                                                 first, "-", last, ") = '",
                                                 absl::CHexEscape(Text(first, last)), "' ", why));
}

}  // namespace tc::formats
