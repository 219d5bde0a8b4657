// Parses a portfolio CSV for offline margin tools (margincalc, clearctl): one
// `contract_id,quantity` per line, quantities signed whole contracts (long > 0, short < 0).
// Blank lines and lines starting with '#' are ignored, as is a first line
// `contract_id,quantity`. Errors are InvalidArgument "line N: ...". The CSV reading itself
// is formats/csv.h; this file gives the records their meaning.
//
//   absl::StatusOr<std::vector<Position>> book = ParsePortfolioCsv("AIX-M1,5\nAIX-M2,-2\n");
#ifndef TOKENCLEAR_MARGIN_PORTFOLIO_CSV_H_
#define TOKENCLEAR_MARGIN_PORTFOLIO_CSV_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "margin/position.h"

namespace tc::margin {

// Most positions one file may hold.
inline constexpr int kMaxPortfolioPositions = 1'000'000;

absl::StatusOr<std::vector<Position>> ParsePortfolioCsv(absl::string_view contents);

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_PORTFOLIO_CSV_H_
