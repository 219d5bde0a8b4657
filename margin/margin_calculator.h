// The SPAN-style margin computation (scan, intra, spot, inter, SOM, NOV; span.md 2.3-2.11)
// over compiled parameters. A calculator owns a reusable workspace, so computing an
// account allocates nothing on the totals path; use one calculator per thread.
//
//   absl::StatusOr<CompiledParameters> compiled = CompileParameters(params);
//   MarginCalculator calculator(*compiled);
//   absl::StatusOr<MarginTotals> totals = calculator.Compute(indexed_book, AccountClass::kHedger);
//   absl::StatusOr<MarginBreakdown> detail =
//       calculator.ComputeBreakdown(absl::MakeConstSpan(book), AccountClass::kHedger);
#ifndef TOKENCLEAR_MARGIN_MARGIN_CALCULATOR_H_
#define TOKENCLEAR_MARGIN_MARGIN_CALCULATOR_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "margin/compiled_parameters.h"
#include "margin/margin_breakdown.h"
#include "margin/margin_workspace.h"
#include "margin/position.h"

namespace tc::margin {

// Bound on an account's sum of |quantity| x |per-contract amount| (risk array values,
// deltas, option values): keeps every int64 sum in the computation exact. Larger
// accounts get OutOfRange.
inline constexpr int64_t kMaxAccountExposure = int64_t{1} << 60;

class MarginCalculator {
 public:
  // `params` must outlive the calculator.
  explicit MarginCalculator(const CompiledParameters& params);

  // Maintenance and initial margin of one account. Positions may repeat a contract and
  // come in any order. InvalidArgument for a bad contract index or quantity, OutOfRange
  // for an account too large for exact arithmetic.
  absl::StatusOr<MarginTotals> Compute(absl::Span<const IndexedPosition> positions,
                                       AccountClass account_class);

  // Same computation, with the full per-commodity breakdown.
  absl::StatusOr<MarginBreakdown> ComputeBreakdown(absl::Span<const IndexedPosition> positions,
                                                   AccountClass account_class);
  // By contract id; InvalidArgument naming an unknown id.
  absl::StatusOr<MarginBreakdown> ComputeBreakdown(absl::Span<const Position> positions,
                                                   AccountClass account_class);

 private:
  // Runs every step, leaving per-commodity results in the workspace.
  absl::Status Run(absl::Span<const IndexedPosition> positions, AccountClass account_class);

  const CompiledParameters& params_;
  MarginWorkspace ws_;
  MarginTotals totals_;
};

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_MARGIN_CALCULATOR_H_
