// Positions frozen at the end of a business day, pure: joins the start-of-day positions,
// the day's trade legs and the live end-of-day positions into one row per account and
// contract month, and checks the two invariants the rest of the day stands on:
//   - per row, net: (sod_long - sod_short) + bought - sold = eod_long - eod_short
//     (customer accounts are gross and a CLOSE moves the opposite side, so only the net
//     identity holds row by row; the gross sides are kept as they are);
//   - per contract month, end-of-day open interest long = short.
// A broken identity means the positions table and the trade record disagree: the run
// must stop (FAILED_PRECONDITION naming the account, month and both sides), never guess.
// Inputs are sorted by (account_id, instrument_id) and unique (the store orders them);
// unsorted input is INVALID_ARGUMENT. The day's legs are its trades (buyer +, seller -),
// with a cancelled earlier trade as a trade with buyer and seller swapped (it reverses).
//
//   TC_ASSIGN_OR_RETURN(std::vector<FrozenPosition> frozen,
//                       FreezePositions(start_of_day, day_trades, end_of_day));
#ifndef TOKENCLEAR_SETTLEMENT_POSITION_FREEZE_H_
#define TOKENCLEAR_SETTLEMENT_POSITION_FREEZE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "clearing/trade_event.h"
#include "settlement/variation_margin.h"

namespace tc::settlement {

struct FrozenPosition {
  std::string account_id;
  std::string instrument_id;
  int64_t sod_long = 0;
  int64_t sod_short = 0;
  int64_t bought = 0;
  int64_t sold = 0;
  int64_t eod_long = 0;
  int64_t eod_short = 0;
};

// `start_of_day` and `end_of_day` use StartOfDayPosition as "a holding" (long and short
// quantities of an account in a month). Rows that are zero in every column are left out.
absl::StatusOr<std::vector<FrozenPosition>> FreezePositions(
    absl::Span<const StartOfDayPosition> start_of_day, absl::Span<const clearing::Trade> day_trades,
    absl::Span<const StartOfDayPosition> end_of_day);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_POSITION_FREEZE_H_
