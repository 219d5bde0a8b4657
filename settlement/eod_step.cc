#include "settlement/eod_step.h"

#include "absl/strings/str_cat.h"

namespace tc::settlement {
namespace {

constexpr absl::string_view kNames[kEodStepCount] = {
    "CLOSE_TRADING",   "LOCK_PRICES",   "FREEZE_POSITIONS", "MARK_TO_MARKET",
    "LEDGER_POSTINGS", "EXPIRY",        "INITIAL_MARGIN",   "COLLATERAL_VALUATION",
    "OBLIGATIONS",     "REPORTS_READY", "OPEN_NEXT_DAY"};

}  // namespace

absl::string_view EodStepName(EodStep step) { return kNames[EodStepNumber(step) - 1]; }

std::optional<EodStep> EodStepFromName(absl::string_view name) {
  for (int i = 0; i < kEodStepCount; ++i) {
    if (kNames[i] == name) return static_cast<EodStep>(i + 1);
  }
  return std::nullopt;
}

absl::StatusOr<EodStep> NextEodStep(int steps_done) {
  if (steps_done < 0 || steps_done > kEodStepCount) {
    return absl::OutOfRangeError(
        absl::StrCat("steps_done ", steps_done, " is outside 0..", kEodStepCount));
  }
  if (steps_done == kEodStepCount) {
    return absl::FailedPreconditionError("every end-of-day step is done");
  }
  return static_cast<EodStep>(steps_done + 1);
}

}  // namespace tc::settlement
