// The steps of the end-of-day run of a business date, in the one order they run
// (docs/SETTLEMENT.md). The run stores how many steps are done; the next step is always
// the one after them, so a step can never run out of order, twice, or be skipped.
//
//   CLOSE_TRADING     the business date stops taking trades
//   LOCK_PRICES       the approved settlement prices are locked: cash is computed on them
//   FREEZE_POSITIONS  start of day + bought - sold = end of day, open interest long = short
//   MARK_TO_MARKET    variation margin per position and trade leg, exact, zero-sum
//   LEDGER_POSTINGS   cash per member and origin, rounded once, into the journal
//   EXPIRY            months whose final settlement date it is close; positions go to zero
//   INITIAL_MARGIN    the margin cycle on end-of-day positions, the date's parameters
//   COLLATERAL_VALUATION  cash and securities collateral per member origin, haircuts and
//                     concentration limits applied, against the new requirement
//   OBLIGATIONS       indicative obligations per member origin: variation margin, an
//                     initial-margin call on a deficit, released withdrawals
//   REPORTS_READY     the date's results are complete and digested for reporting
//   OPEN_NEXT_DAY     the next business day (weekends and holidays skipped) opens, and
//                     the contract months the calendar lists on it are listed
//
//   TC_ASSIGN_OR_RETURN(EodStep next, NextEodStep(run.steps_done));
//   EodStepName(next) == "LOCK_PRICES"
#ifndef TOKENCLEAR_SETTLEMENT_EOD_STEP_H_
#define TOKENCLEAR_SETTLEMENT_EOD_STEP_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tc::settlement {

enum class EodStep {
  kCloseTrading = 1,
  kLockPrices,
  kFreezePositions,
  kMarkToMarket,
  kLedgerPostings,
  kExpiry,
  kInitialMargin,
  kCollateralValuation,
  kObligations,
  kReportsReady,
  kOpenNextDay,
};
inline constexpr int kEodStepCount = 11;

inline constexpr int EodStepNumber(EodStep step) { return static_cast<int>(step); }

absl::string_view EodStepName(EodStep step);
std::optional<EodStep> EodStepFromName(absl::string_view name);

// The step after `steps_done` finished steps; FAILED_PRECONDITION when all are done,
// OUT_OF_RANGE for a count outside 0..kEodStepCount (a stored row that is not ours).
absl::StatusOr<EodStep> NextEodStep(int steps_done);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_EOD_STEP_H_
