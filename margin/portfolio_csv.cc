#include "margin/portfolio_csv.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/identifiers.h"

namespace tc::margin {
namespace {

absl::Status LineError(int line_number, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": ", what));
}

absl::StatusOr<Position> ParseLine(absl::string_view line, int line_number) {
  std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
  if (fields.size() != 2) {
    return LineError(line_number,
                     absl::StrCat("expected contract_id,quantity, got ", fields.size(), " fields"));
  }
  const absl::string_view id = absl::StripAsciiWhitespace(fields[0]);
  const absl::string_view quantity_text = absl::StripAsciiWhitespace(fields[1]);
  if (id.empty()) return LineError(line_number, "contract_id is empty");
  int64_t quantity = 0;
  if (!absl::SimpleAtoi(quantity_text, &quantity)) {
    return LineError(line_number, absl::StrCat("quantity '", ShortenForMessage(quantity_text),
                                               "' is not a whole number of contracts"));
  }
  if (quantity > kMaxAbsQuantity || quantity < -kMaxAbsQuantity) {
    return LineError(line_number,
                     absl::StrCat("quantity ", quantity, " exceeds +-", kMaxAbsQuantity));
  }
  return Position{.contract_id = std::string(id), .quantity = quantity};
}

}  // namespace

absl::StatusOr<std::vector<Position>> ParsePortfolioCsv(absl::string_view contents) {
  std::vector<Position> book;
  int line_number = 0;
  bool seen_data = false;
  for (absl::string_view raw : absl::StrSplit(contents, '\n')) {
    ++line_number;
    const absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty() || line[0] == '#') continue;
    const bool header = !seen_data && absl::StrContains(line, "contract_id");
    seen_data = true;
    if (header) continue;
    if (book.size() >= kMaxPortfolioPositions) {
      return LineError(line_number,
                       absl::StrCat("more than ", kMaxPortfolioPositions, " positions"));
    }
    absl::StatusOr<Position> position = ParseLine(line, line_number);
    if (!position.ok()) return position.status();
    book.push_back(*std::move(position));
  }
  return book;
}

}  // namespace tc::margin
