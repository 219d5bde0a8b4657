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
//
// Some accounts only (a member's open-date positions, while the day is still trading):
// their start of day, their legs' totals (the store sums them) and their live positions,
// joined row by row with the net identity checked; open interest is not, because it holds
// only over every account.
//
//   TC_ASSIGN_OR_RETURN(std::vector<FrozenPosition> rows,
//                       JoinPositions(member_sod, member_traded, member_live));
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

// What one account bought and sold of one month on the day (its legs, summed).
struct TradedQuantity {
  std::string account_id;
  std::string instrument_id;
  int64_t bought = 0;
  int64_t sold = 0;
};

// The day's trades as per-leg totals, in (account, instrument) byte order. A quantity that
// is not positive is INVALID_ARGUMENT; a sum past int64 is OUT_OF_RANGE.
absl::StatusOr<std::vector<TradedQuantity>> SumLegs(absl::Span<const clearing::Trade> day_trades);

// One row per (account, instrument) of the three sorted, unique inputs, each checked
// against the net identity; no open-interest check (the inputs may be some accounts
// only). Unsorted input is INVALID_ARGUMENT.
absl::StatusOr<std::vector<FrozenPosition>> JoinPositions(
    absl::Span<const StartOfDayPosition> start_of_day, absl::Span<const TradedQuantity> traded,
    absl::Span<const StartOfDayPosition> end_of_day);

// The whole book: SumLegs, JoinPositions and open interest long = short per month.
// `start_of_day` and `end_of_day` use StartOfDayPosition as "a holding" (long and short
// quantities of an account in a month). Rows that are zero in every column are left out.
absl::StatusOr<std::vector<FrozenPosition>> FreezePositions(
    absl::Span<const StartOfDayPosition> start_of_day, absl::Span<const clearing::Trade> day_trades,
    absl::Span<const StartOfDayPosition> end_of_day);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_POSITION_FREEZE_H_
