// The documented range of every price that enters tokenclear from outside: index values
// and trade prices, in micro-USD per 1M tokens. One ceiling for all of them, far above
// any real token price (USD 1,000,000 per 1M tokens) and low enough that price x quantity
// x contract multiplier, with the per-product bounds of clearing/reference_validation.h,
// stays inside int64 micro-USD. Values outside it are refused at the door
// (INVALID_ARGUMENT naming the field), and domain code that reads stored values checks
// them again rather than trusting the door.
//
//   if (value_micros < kMinPriceMicros || value_micros > kMaxPriceMicros) return error;
#ifndef TOKENCLEAR_CORE_PRICE_LIMITS_H_
#define TOKENCLEAR_CORE_PRICE_LIMITS_H_

#include <cstdint>

namespace tc {

inline constexpr int64_t kMinPriceMicros = 1;
inline constexpr int64_t kMaxPriceMicros = 1'000'000'000'000;  // USD 1,000,000 per 1M tokens

inline constexpr bool IsPriceInRange(int64_t micros) {
  return micros >= kMinPriceMicros && micros <= kMaxPriceMicros;
}

}  // namespace tc

#endif  // TOKENCLEAR_CORE_PRICE_LIMITS_H_
