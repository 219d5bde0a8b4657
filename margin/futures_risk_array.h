// The risk array of one long futures contract whose value moves one-for-one with its
// price: scenarios 1-14 move the price by 0, +-1/3, +-2/3 and +-3/3 of the price scan
// range (vol up and down identical), 15 and 16 by the extreme multiple k of the range,
// already multiplied by the covered fraction f. Loss positive, micro-USD per contract.
//
//   std::vector<int64_t> array = LinearFuturesRiskArray(1'000'000'000);  // PSR 1,000 USD
//   // {0, 0, -333.33.., -333.33.., ..., -990, 990} in micro-USD (k = 3, f = 0.33)
#ifndef TOKENCLEAR_MARGIN_FUTURES_RISK_ARRAY_H_
#define TOKENCLEAR_MARGIN_FUTURES_RISK_ARRAY_H_

#include <cstdint>
#include <vector>

namespace tc::margin {

// k and f in parts per million (3 x 0.33 by default, CME practice). Each third and the
// extreme value are rounded once, with the one rounding rule of core/fixed_point.h.
std::vector<int64_t> LinearFuturesRiskArray(int64_t psr_micros,
                                            int64_t extreme_multiplier_ppm = 3'000'000,
                                            int64_t covered_fraction_ppm = 330'000);

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_FUTURES_RISK_ARRAY_H_
