#include "tools/index_csv.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "core/identifiers.h"

namespace tc::tools {
namespace {

absl::Status LineError(int line_number, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": ", what));
}

absl::StatusOr<tokenclear::v1::IndexValue> ParseLine(absl::string_view line, int line_number) {
  std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
  if (fields.size() != 3) {
    return LineError(line_number, absl::StrCat("expected index_code,YYYY-MM-DD,value, got ",
                                               fields.size(), " fields"));
  }
  for (absl::string_view& field : fields) field = absl::StripAsciiWhitespace(field);
  if (fields[0].empty()) return LineError(line_number, "index_code is empty");
  absl::StatusOr<absl::CivilDay> day = ParseBusinessDate("date", fields[1]);
  if (!day.ok()) return LineError(line_number, day.status().message());
  absl::StatusOr<int64_t> micros = ParseFixed(fields[2], kMicroScale);
  if (!micros.ok() || *micros <= 0) {
    return LineError(line_number, absl::StrCat("value '", ShortenForMessage(fields[2]),
                                               "' is not a positive decimal with at most ",
                                               kMicroScale, " decimals"));
  }
  tokenclear::v1::IndexValue value;
  value.set_index_code(std::string(fields[0]));
  value.set_business_date(FormatBusinessDate(*day));
  value.set_value_micros(*micros);
  return value;
}

}  // namespace

absl::StatusOr<std::vector<tokenclear::v1::IndexValue>> ParseIndexCsv(absl::string_view contents) {
  std::vector<tokenclear::v1::IndexValue> values;
  int line_number = 0;
  for (absl::string_view raw : absl::StrSplit(contents, '\n')) {
    ++line_number;
    const absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty() || line[0] == '#') continue;
    absl::StatusOr<tokenclear::v1::IndexValue> value = ParseLine(line, line_number);
    if (!value.ok()) return value.status();
    values.push_back(*std::move(value));
  }
  return values;
}

}  // namespace tc::tools
