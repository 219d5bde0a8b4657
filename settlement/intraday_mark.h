// The intraday mark of a member origin: what its positions have gained or lost since the
// last settlement price, at intraday prices treasury loads for a cycle. Not variation
// margin (nothing is posted from it): it sizes the intraday margin call, because a
// member whose positions lost more than its excess collateral is undercovered now, not at
// the end of the day.
//
//   mark = Σ (intraday price - last settlement price) x net quantity x multiplier
//
// summed exactly in micro-USD per (member, origin, currency) and rounded once to cents by
// the one rule (core/fixed_point.h RoundedDiv). A month without an intraday price, or
// without a settlement price yet (listed today), marks at zero.
//
//   TC_ASSIGN_OR_RETURN(std::vector<IntradayMark> marks,
//                       MarkIntraday(positions, intraday_prices, settlement_prices));
//   for (const IntradayMark& m : marks) ... m.mark_cents ...  // < 0: a loss
#ifndef TOKENCLEAR_SETTLEMENT_INTRADAY_MARK_H_
#define TOKENCLEAR_SETTLEMENT_INTRADAY_MARK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "clearing/reference_data.h"

namespace tc::settlement {

struct IntradayPosition {
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency;
  std::string instrument_id;
  int64_t net_quantity = 0;  // long - short
  int64_t contract_multiplier = 1;
};

struct IntradayMark {
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency;
  int64_t mark_micros = 0;  // exact; + = a gain
  int64_t mark_cents = 0;   // rounded once
};

// Sorted by member, origin, currency. OUT_OF_RANGE on overflow.
absl::StatusOr<std::vector<IntradayMark>> MarkIntraday(
    absl::Span<const IntradayPosition> positions,
    const absl::flat_hash_map<std::string, int64_t>& intraday_price_micros,
    const absl::flat_hash_map<std::string, int64_t>& settlement_price_micros);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_INTRADAY_MARK_H_
