#include "formats/csv.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tc::formats {

absl::Status ForEachCsvRecord(absl::string_view contents,
                              absl::FunctionRef<absl::Status(const CsvRecord&)> visit,
                              const CsvOptions& options) {
  CsvRecord record;
  int line_number = 0;
  for (absl::string_view raw : absl::StrSplit(contents, '\n')) {
    ++line_number;
    const absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty() || line.front() == options.comment) continue;
    record.line_number = line_number;
    record.fields.clear();
    for (absl::string_view field : absl::StrSplit(line, options.separator)) {
      record.fields.push_back(absl::StripAsciiWhitespace(field));
    }
    absl::Status status = visit(record);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status CsvLineError(int line_number, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": ", what));
}

}  // namespace tc::formats
