// The daily margin cycle's rules, pure: what a clearing member owes as initial margin per
// account and per origin, from its positions and the day's approved parameters.
//   - Customer accounts are gross: each is margined on its own (long and short of an
//     instrument net within the account), and the customer origin of a member is the sum
//     of its customer accounts' requirements.
//   - House accounts are net: a member's house accounts are margined together, as one book
//     netted per instrument, with the member account class.
//   - House is never netted against customer.
// Every position must be a contract of the parameter set: a missing one is a calibration
// gap (FAILED_PRECONDITION), never a silent zero.
//
//   TC_ASSIGN_OR_RETURN(CycleResult result, RunMarginCycle(params, snapshot, positions));
//   for (const AccountRequirement& a : result.accounts) ... a.breakdown.totals.initial_micros
#ifndef TOKENCLEAR_MARGIN_CYCLE_MARGIN_CYCLE_H_
#define TOKENCLEAR_MARGIN_CYCLE_MARGIN_CYCLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "clearing/reference_data.h"
#include "margin/compiled_parameters.h"
#include "margin/margin_breakdown.h"
#include "margin/position.h"

namespace tc::margin {

// One account's holding of one instrument, as positions are stored (gross sides).
struct AccountPosition {
  std::string account_id;
  std::string instrument_id;
  int64_t long_quantity = 0;
  int64_t short_quantity = 0;
};

struct AccountRequirement {
  std::string account_id;
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  MarginBreakdown breakdown;
};

struct OriginRequirement {
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  int64_t maintenance_micros = 0;
  int64_t initial_micros = 0;
  int64_t account_count = 0;
};

struct CycleResult {
  std::vector<AccountRequirement> accounts;  // by account id
  std::vector<OriginRequirement> origins;    // house origins by member, then customer ones
};

AccountClass ToMarginClass(clearing::AccountClass account_class);

// Net quantity per instrument of one account's rows, zero nets left out, in row order.
std::vector<Position> NetPositions(absl::Span<const AccountPosition> rows);

// One book's margin; FAILED_PRECONDITION when a position is not a contract of `params`.
absl::StatusOr<MarginBreakdown> MarginBook(const CompiledParameters& params,
                                           absl::Span<const Position> book,
                                           AccountClass account_class);

// A position from outside (what-if, incremental): INVALID_ARGUMENT naming
// `<prefix>.instrument_id` when it is not a contract of `params`, `<prefix>.quantity` when
// it is zero or beyond the engine's bound. The one check of such input.
absl::Status CheckPosition(const CompiledParameters& params, absl::string_view prefix,
                           const Position& position);

// What one more trade does to an account's margin. `trade` is validated here, once: its
// instrument must be a contract of `params` and its quantity non-zero within the engine's
// bound (INVALID_ARGUMENT naming `field` otherwise).
struct IncrementalResult {
  MarginBreakdown before;
  MarginBreakdown after;
};
absl::StatusOr<IncrementalResult> IncrementalMargin(const CompiledParameters& params,
                                                    std::vector<Position> book,
                                                    AccountClass account_class,
                                                    const Position& trade);

// The cycle over every position (any order). FAILED_PRECONDITION for positions of an
// account the snapshot does not know; OUT_OF_RANGE when a sum overflows.
absl::StatusOr<CycleResult> RunMarginCycle(const CompiledParameters& params,
                                           const clearing::ReferenceSnapshot& snapshot,
                                           absl::Span<const AccountPosition> positions);

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_CYCLE_MARGIN_CYCLE_H_
