// Overflow-checked integer arithmetic with a sticky flag, for the margin hot path. A
// portfolio large enough to overflow is input, not a programmer error, so it must become
// an error status rather than an abort; checking a flag once at the end keeps the loops
// free of status plumbing. Division uses tc::CheckedRoundedDiv, the one rounding rule.
//
//   CheckedMath math;
//   int64_t total = math.Add(scan_micros, intra_micros);
//   int64_t charge = math.Div(math.Mul(rate_micros, n_num), n_den);
//   if (math.overflowed()) return absl::OutOfRangeError("...");
#ifndef TOKENCLEAR_MARGIN_CHECKED_MATH_H_
#define TOKENCLEAR_MARGIN_CHECKED_MATH_H_

#include <cstdint>
#include <optional>

#include "core/fixed_point.h"

namespace tc::margin {

class CheckedMath {
 public:
  int64_t Add(int64_t a, int64_t b) {
    int64_t result = 0;
    overflowed_ |= __builtin_add_overflow(a, b, &result);
    return result;
  }

  int64_t Sub(int64_t a, int64_t b) {
    int64_t result = 0;
    overflowed_ |= __builtin_sub_overflow(a, b, &result);
    return result;
  }

  __int128 Mul(__int128 a, __int128 b) {
    __int128 result = 0;
    overflowed_ |= __builtin_mul_overflow(a, b, &result);
    return result;
  }

  // numerator / denominator rounded half away from zero; 0 with the flag set when the
  // quotient does not fit. The denominator is never zero (callers check).
  int64_t Div(__int128 numerator, __int128 denominator) {
    std::optional<int64_t> result = CheckedRoundedDiv(numerator, denominator);
    if (!result) {
      overflowed_ = true;
      return 0;
    }
    return *result;
  }

  // `value` as int64; 0 with the flag set when it does not fit.
  int64_t Narrow(__int128 value) { return Div(value, 1); }

  bool overflowed() const { return overflowed_; }
  void Reset() { overflowed_ = false; }

 private:
  bool overflowed_ = false;
};

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_CHECKED_MATH_H_
