#include "margin/margin_fuzzing.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/types/span.h"
#include "margin/compiled_parameters.h"
#include "margin/margin_calculator.h"
#include "margin/position.h"

namespace tc::margin::fuzzing {
namespace {

constexpr size_t kMaxBookPositions = 50;

// Margins `book` and checks the outcome: totals, or a documented refusal (an ambiguous
// book is InvalidArgument, one too large for exact arithmetic OutOfRange).
void MarginBook(MarginCalculator& calculator, const std::vector<Position>& book,
                AccountClass account_class) {
  absl::StatusOr<MarginBreakdown> breakdown =
      calculator.ComputeBreakdown(absl::MakeConstSpan(book), account_class);
  if (breakdown.ok()) return;
  const absl::StatusCode code = breakdown.status().code();
  Require(code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kOutOfRange,
          "margin refused with a status other than InvalidArgument or OutOfRange",
          breakdown.status());
}

}  // namespace

void Require(bool ok, absl::string_view what, const absl::Status& status) {
  if (ok) return;
  std::fprintf(stderr, "FUZZ CHECK FAILED: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               status.ToString().c_str());
  std::abort();
}

void RequireCleanRefusal(const absl::Status& status, absl::string_view reader) {
  Require(status.code() == absl::StatusCode::kInvalidArgument,
          std::string(reader) + " refused with a status other than InvalidArgument", status);
  // A line, else the .pa2 header that is missing or an input-size limit.
  Require(absl::StartsWith(status.message(), "line ") ||
              status.message() == "no type 0 header record" ||
              absl::StartsWith(status.message(), "XML input of ") ||
              absl::StartsWith(status.message(), "the .pa2 input is "),
          std::string(reader) + " refused without naming a line or a limit", status);
}

void MarginSmallBooks(const RiskParameters& params) {
  absl::StatusOr<CompiledParameters> compiled = CompileParameters(params);
  if (!compiled.ok()) {
    Require(compiled.status().code() == absl::StatusCode::kInvalidArgument,
            "CompileParameters refused with a status other than InvalidArgument",
            compiled.status());
    return;
  }
  std::vector<Position> small;
  std::vector<Position> largest;
  for (size_t i = 0; i < params.contracts.size() && i < kMaxBookPositions; ++i) {
    const std::string& id = params.contracts[i].contract_id;
    small.push_back({id, i % 2 == 0 ? 3 : -2});
    largest.push_back({id, i % 2 == 0 ? kMaxAbsQuantity : -kMaxAbsQuantity});
  }
  MarginCalculator calculator(*compiled);
  MarginBook(calculator, small, AccountClass::kSpeculator);
  MarginBook(calculator, largest, AccountClass::kHedger);
  MarginBook(calculator, small, AccountClass::kMember);
}

}  // namespace tc::margin::fuzzing
