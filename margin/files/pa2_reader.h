// Reads a CME expanded positional risk-parameter file (.pa2, span.md 3.1) into
// RiskParameters. Record types 0, 1, 2, 3, C, E, S, 4, B, P, 5, 6, 81 and 82 are read;
// other types are skipped, as CME requires of readers. Features the engine does not
// implement (scanning-based or flat inter spreads, basis-risk spot charges, per-month
// scan tiers) are skipped and listed in `unsupported`, never silently mis-margined.
// A malformed line is an InvalidArgument naming its line number and field.
//
//   absl::StatusOr<Pa2File> file = ReadPa2(contents);
//   absl::StatusOr<CompiledParameters> compiled = CompileParameters(file->parameters);
//
// Contract ids are "EXCH:PRODUCT:TYPE:CCYYMM" for futures and
// "EXCH:PRODUCT:TYPE:FUTMONTH:OPTMONTH:RIGHT:STRIKE" for options.
#ifndef TOKENCLEAR_MARGIN_FILES_PA2_READER_H_
#define TOKENCLEAR_MARGIN_FILES_PA2_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "margin/risk_parameters.h"

namespace tc::margin {

struct Pa2File {
  RiskParameters parameters{};
  int skipped_lines = 0;                   // records of types this reader does not read
  std::vector<std::string> unsupported{};  // "line N: ..." for each feature skipped
};

// Input limits that bound the reader's memory (about 5x the input, measured on a 50 MB
// file): larger files are refused before they are read. Raise them explicitly when needed.
struct Pa2Limits {
  int64_t max_input_bytes = int64_t{256} << 20;  // 256 MiB
  int64_t max_records = 5'000'000;               // non-empty lines
};

absl::StatusOr<Pa2File> ReadPa2(absl::string_view contents, const Pa2Limits& limits = {});

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_FILES_PA2_READER_H_
