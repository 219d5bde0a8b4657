// Line-oriented comma-separated text as our tools read and write it: one record per line
// (LF or CRLF), fields split at the separator and trimmed of ASCII whitespace, blank
// lines and lines starting with '#' skipped. There is no quoting: a field cannot contain
// the separator or a line break. What a record means (a header line, the number and kind
// of fields) is the caller's; errors name the 1-based line, as CsvLineError writes them.
//
//   absl::Status status = ForEachCsvRecord(contents, [&](const CsvRecord& record) {
//     if (record.fields.size() != 2) return CsvLineError(record.line_number, "expected a,b");
//     rows.push_back({std::string(record.fields[0]), std::string(record.fields[1])});
//     return absl::OkStatus();
//   });
#ifndef TOKENCLEAR_FORMATS_CSV_H_
#define TOKENCLEAR_FORMATS_CSV_H_

#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace tc::formats {

struct CsvRecord {
  int line_number = 0;                      // 1-based, counting skipped lines
  std::vector<absl::string_view> fields{};  // trimmed views into the input
};

struct CsvOptions {
  char separator = ',';
  char comment = '#';  // a line starting with it (after blanks) is skipped
};

// Calls `visit` on each record in order; stops at, and returns, the first error it
// returns. Memory is one record at a time.
absl::Status ForEachCsvRecord(absl::string_view contents,
                              absl::FunctionRef<absl::Status(const CsvRecord&)> visit,
                              const CsvOptions& options = {});

// InvalidArgument "line N: what".
absl::Status CsvLineError(int line_number, absl::string_view what);

}  // namespace tc::formats

#endif  // TOKENCLEAR_FORMATS_CSV_H_
