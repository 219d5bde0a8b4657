// A correction of a date's locked settlement prices, pure: the locked prices with the
// treasurer's changes applied, each changed price marked. The tier of a corrected price is
// kept (a FINAL price stays the final settlement of an expiring month), and the previous
// settlement it is marked against is unchanged. Refused, naming the change by its index:
// a month the set does not price (NOT_FOUND), a price outside core/price_limits.h or the
// product's ceiling, a daily price off tick, a price equal to the locked one, a month
// changed twice (INVALID_ARGUMENT). A FINAL price may be off tick: it is an index fixing.
//
//   TC_ASSIGN_OR_RETURN(std::vector<CorrectedPrice> prices,
//                       CorrectPrices(snapshot, locked, {{"TKF-202612", 3'130'000}}));
#ifndef TOKENCLEAR_SETTLEMENT_PRICE_CORRECTION_H_
#define TOKENCLEAR_SETTLEMENT_PRICE_CORRECTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "clearing/reference_data.h"
#include "settlement/day_variation.h"

namespace tc::settlement {

struct PriceChange {
  std::string instrument_id;
  int64_t price_micros = 0;
};

struct CorrectedPrice {
  LockedPrice price;
  bool corrected = false;
};

// `locked` in its stored order; the result in the same order.
absl::StatusOr<std::vector<CorrectedPrice>> CorrectPrices(
    const clearing::ReferenceSnapshot& snapshot, absl::Span<const LockedPrice> locked,
    absl::Span<const PriceChange> changes);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_PRICE_CORRECTION_H_
