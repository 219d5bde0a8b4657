#include "margin/futures_risk_array.h"

#include "core/fixed_point.h"

namespace tc::margin {

std::vector<int64_t> LinearFuturesRiskArray(int64_t psr_micros, int64_t extreme_multiplier_ppm,
                                            int64_t covered_fraction_ppm) {
  constexpr __int128 kPpmSquared = static_cast<__int128>(1'000'000) * 1'000'000;
  const int64_t p = psr_micros;
  const int64_t third = RoundedDiv(p, 3);
  const int64_t two_thirds = RoundedDiv(2 * static_cast<__int128>(p), 3);
  const int64_t extreme = RoundedDiv(
      static_cast<__int128>(p) * extreme_multiplier_ppm * covered_fraction_ppm, kPpmSquared);
  return {0,          0,          -third, -third, third, third, -two_thirds, -two_thirds,
          two_thirds, two_thirds, -p,     -p,     p,     p,     -extreme,    extreme};
}

}  // namespace tc::margin
