#include "margin/portfolio_csv.h"

#include <cstdint>
#include <string>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/identifiers.h"
#include "formats/csv.h"

namespace tc::margin {
namespace {

using formats::CsvLineError;
using formats::CsvRecord;

absl::StatusOr<Position> ParseRecord(const CsvRecord& record) {
  const int line_number = record.line_number;
  if (record.fields.size() != 2) {
    return CsvLineError(line_number, absl::StrCat("expected contract_id,quantity, got ",
                                                  record.fields.size(), " fields"));
  }
  const absl::string_view id = record.fields[0];
  const absl::string_view quantity_text = record.fields[1];
  if (id.empty()) return CsvLineError(line_number, "contract_id is empty");
  int64_t quantity = 0;
  if (!absl::SimpleAtoi(quantity_text, &quantity)) {
    return CsvLineError(line_number, absl::StrCat("quantity '", ShortenForMessage(quantity_text),
                                                  "' is not a whole number of contracts"));
  }
  if (quantity > kMaxAbsQuantity || quantity < -kMaxAbsQuantity) {
    return CsvLineError(line_number,
                        absl::StrCat("quantity ", quantity, " exceeds +-", kMaxAbsQuantity));
  }
  return Position{.contract_id = std::string(id), .quantity = quantity};
}

}  // namespace

absl::StatusOr<std::vector<Position>> ParsePortfolioCsv(absl::string_view contents) {
  std::vector<Position> book;
  bool seen_data = false;
  absl::Status status = formats::ForEachCsvRecord(contents, [&](const CsvRecord& record) {
    // The first record is a header when it names the contract_id column.
    const bool header = !seen_data && absl::c_any_of(record.fields, [](absl::string_view field) {
      return absl::StrContains(field, "contract_id");
    });
    seen_data = true;
    if (header) return absl::OkStatus();
    if (book.size() >= kMaxPortfolioPositions) {
      return CsvLineError(record.line_number,
                          absl::StrCat("more than ", kMaxPortfolioPositions, " positions"));
    }
    absl::StatusOr<Position> position = ParseRecord(record);
    if (!position.ok()) return position.status();
    book.push_back(*std::move(position));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return book;
}

}  // namespace tc::margin
