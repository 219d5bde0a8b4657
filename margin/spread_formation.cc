#include "margin/spread_formation.h"

#include <algorithm>

#include "core/check.h"
#include "core/fixed_point.h"

namespace tc::margin {
namespace {

// Takes `amount_udelta` (> 0) of delta with sign `sign` out of the periods of `leg`.
void TakeFromPeriods(const CompiledLeg& leg, int64_t sign, int64_t amount_udelta,
                     int64_t* period_delta_udelta, int64_t* consumed_udelta) {
  for (int32_t slot = leg.period_begin; slot < leg.period_end && amount_udelta > 0; ++slot) {
    const int64_t available = period_delta_udelta[slot] * sign;
    if (available <= 0) continue;
    const int64_t taken = std::min(available, amount_udelta);
    period_delta_udelta[slot] -= taken * sign;
    if (consumed_udelta != nullptr) consumed_udelta[slot] += taken;
    amount_udelta -= taken;
  }
  // The leg's net delta covered the amount, so its same-sign periods did too.
  TC_CHECK(amount_udelta == 0) << "spread consumed more delta than the leg held";
}

}  // namespace

int64_t SumPeriodDeltasUdelta(const int64_t* period_delta_udelta, int32_t begin, int32_t end) {
  int64_t delta = 0;
  for (int32_t slot = begin; slot < end; ++slot) delta += period_delta_udelta[slot];
  return delta;
}

SpreadCount CountSpreads(absl::Span<const CompiledLeg> legs, const int64_t* period_delta_udelta,
                         bool a_long) {
  SpreadCount best{.numerator_udelta = 0, .denominator_udelta = 1};
  bool first = true;
  for (const CompiledLeg& leg : legs) {
    const bool wants_long = (leg.side == SpreadSide::kA) == a_long;
    const int64_t delta =
        SumPeriodDeltasUdelta(period_delta_udelta, leg.period_begin, leg.period_end);
    const int64_t available = wants_long ? delta : -delta;
    if (available <= 0) return SpreadCount{};
    // available / ratio < best.num / best.den, compared exactly by cross-multiplying.
    if (first || static_cast<__int128>(available) * best.denominator_udelta <
                     static_cast<__int128>(best.numerator_udelta) * leg.delta_per_spread_udelta) {
      best = {.numerator_udelta = available, .denominator_udelta = leg.delta_per_spread_udelta};
      first = false;
    }
  }
  return best;
}

void ConsumeSpreads(absl::Span<const CompiledLeg> legs, SpreadCount count,
                    int64_t* period_delta_udelta, int64_t* consumed_udelta) {
  for (const CompiledLeg& leg : legs) {
    const int64_t sign =
        SumPeriodDeltasUdelta(period_delta_udelta, leg.period_begin, leg.period_end) > 0 ? 1 : -1;
    // Rounding point: delta consumed = count x ratio, rounded once to micro-delta. It never
    // exceeds the leg's delta: count <= delta / ratio and delta is a whole micro-delta.
    const int64_t amount_udelta =
        RoundedDiv(static_cast<__int128>(count.numerator_udelta) * leg.delta_per_spread_udelta,
                   count.denominator_udelta);
    TakeFromPeriods(leg, sign, amount_udelta, period_delta_udelta, consumed_udelta);
  }
}

}  // namespace tc::margin
