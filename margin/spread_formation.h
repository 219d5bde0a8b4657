// Delta-based spread formation shared by intra-commodity, super and inter-commodity
// spreads: how many spreads a set of legs can form from the remaining period deltas, and
// consuming them. Counts are exact rationals so fractional spreads carry no rounding
// into charges and credits; only consumed deltas are rounded (to micro-delta).
//
//   SpreadCount n = CountSpreads(spread.legs, period_delta_udelta, /*a_long=*/true);
//   if (n.formed()) {
//     charge_micros += math.Div(math.Mul(spread.rate, n.numerator_udelta),
//                               n.denominator_udelta);
//     ConsumeSpreads(spread.legs, n, period_delta_udelta, consumed_udelta);
//   }
#ifndef TOKENCLEAR_MARGIN_SPREAD_FORMATION_H_
#define TOKENCLEAR_MARGIN_SPREAD_FORMATION_H_

#include <cstdint>

#include "absl/types/span.h"
#include "margin/compiled_parameters.h"

namespace tc::margin {

// Number of spreads formed = numerator_udelta / denominator_udelta: the limiting leg's
// remaining delta over its delta-per-spread ratio.
struct SpreadCount {
  int64_t numerator_udelta = 0;
  int64_t denominator_udelta = 1;
  bool formed() const { return numerator_udelta > 0; }
};

// Sum of the deltas of period slots [begin, end): a tier's or a leg's net delta.
int64_t SumPeriodDeltasUdelta(const int64_t* period_delta_udelta, int32_t begin, int32_t end);

// Spreads formable with side A long and side B short (a_long) or the reverse. Zero when
// any leg is flat or has delta of the wrong sign.
SpreadCount CountSpreads(absl::Span<const CompiledLeg> legs, const int64_t* period_delta_udelta,
                         bool a_long);

// Moves each leg's delta toward zero by count x ratio (rounded to micro-delta), taking it
// from the leg's periods whose delta has the leg's sign, earliest period first. Adds the
// amounts taken per period to consumed_udelta when it is not null.
void ConsumeSpreads(absl::Span<const CompiledLeg> legs, SpreadCount count,
                    int64_t* period_delta_udelta, int64_t* consumed_udelta);

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_SPREAD_FORMATION_H_
