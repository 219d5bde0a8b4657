// Parses an index-history CSV for `clearctl load-index`: one `index_code,YYYY-MM-DD,value`
// per line, the value an exact decimal in USD per 1M tokens (at most 6 decimals, parsed
// with tc::ParseFixed into micro-USD, never through floating point). Blank lines and
// lines starting with '#' are ignored. Errors are InvalidArgument "line N: ...".
//
//   absl::StatusOr<std::vector<tokenclear::v1::IndexValue>> values =
//       ParseIndexCsv("TOKFRONT,2026-11-20,3.012345\n");
//   // values->front().value_micros() == 3012345
#ifndef TOKENCLEAR_TOOLS_INDEX_CSV_H_
#define TOKENCLEAR_TOOLS_INDEX_CSV_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tokenclear/v1/margin.pb.h"

namespace tc::tools {

absl::StatusOr<std::vector<tokenclear::v1::IndexValue>> ParseIndexCsv(absl::string_view contents);

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_INDEX_CSV_H_
