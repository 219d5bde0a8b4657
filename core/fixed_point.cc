#include "core/fixed_point.h"

#include <algorithm>
#include <array>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/check.h"

namespace tc {
namespace {

constexpr int kMaxDigits = 18;
// ParseFixed: significant digits of a decimal (fits __int128 with room for a rounding
// step) and the largest decimal exponent.
constexpr int kMaxSignificantDigits = 36;
constexpr int kMaxExponent = 400;
// 10^0 .. 10^19 (10^19 still fits uint64).
constexpr std::array<uint64_t, kMaxDigits + 2> kPowersOfTen = [] {
  std::array<uint64_t, kMaxDigits + 2> powers{};
  uint64_t power = 1;
  for (uint64_t& entry : powers) {
    entry = power;
    if (&entry != &powers.back()) power *= 10;
  }
  return powers;
}();

std::optional<int64_t> NarrowToInt64(__int128 value) {
  if (value > std::numeric_limits<int64_t>::max() || value < std::numeric_limits<int64_t>::min()) {
    return std::nullopt;
  }
  return static_cast<int64_t>(value);
}

}  // namespace

int64_t PowerOfTen(int digits) {
  TC_CHECK(digits >= 0 && digits <= kMaxDigits) << "digits=" << digits;
  return static_cast<int64_t>(kPowersOfTen[digits]);
}

std::optional<int64_t> CheckedRoundedDiv(__int128 numerator, __int128 denominator) {
  TC_CHECK(denominator != 0) << "division by zero";
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const bool negative = numerator < 0;
  const __int128 magnitude = negative ? -numerator : numerator;
  __int128 quotient = magnitude / denominator;
  const __int128 remainder = magnitude % denominator;
  // Half away from zero: round up in magnitude when 2r >= d.
  if (remainder * 2 >= denominator) ++quotient;
  return NarrowToInt64(negative ? -quotient : quotient);
}

int64_t RoundedDiv(__int128 numerator, __int128 denominator) {
  std::optional<int64_t> result = CheckedRoundedDiv(numerator, denominator);
  TC_CHECK(result.has_value()) << "RoundedDiv overflow";
  return *result;
}

int64_t Rescale(int64_t value, int from_digits, int to_digits) {
  if (from_digits == to_digits) return value;
  if (to_digits > from_digits) {
    std::optional<int64_t> scaled = CheckedMul(value, PowerOfTen(to_digits - from_digits));
    TC_CHECK(scaled.has_value()) << "Rescale overflow";
    return *scaled;
  }
  return RoundedDiv(value, PowerOfTen(from_digits - to_digits));
}

absl::StatusOr<int64_t> ParseFixed(absl::string_view text, int scale_digits,
                                   const ParseFixedOptions& options) {
  TC_CHECK(scale_digits >= 0 && scale_digits <= kMaxDigits);
  const absl::string_view original = text;
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("'", original, "' ", why));
  };
  auto too_many_decimals = [&] {
    return invalid(absl::StrCat("has more than ", scale_digits, " decimals"));
  };
  if (text.empty()) return invalid("is not a decimal number");
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  // value = mantissa x 10^(exponent - fraction_digits); leading zeros are not significant.
  // The mantissa is kept in 64 bits while it has at most 19 digits (every value that can
  // fit int64 without rounding), in 128 bits beyond.
  uint64_t small_mantissa = 0;
  __int128 big_mantissa = 0;
  int significant = 0;
  int digits_seen = 0;
  int fraction_digits = -1;  // -1 until the decimal point is seen.
  size_t i = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (fraction_digits >= 0) return invalid("has two decimal points");
      fraction_digits = 0;
      continue;
    }
    if (c < '0' || c > '9') break;
    if (fraction_digits >= 0 && ++fraction_digits > scale_digits && !options.round_extra_decimals &&
        !options.allow_exponent) {
      return too_many_decimals();
    }
    ++digits_seen;
    if (significant == 0 && c == '0') continue;
    const int digit = c - '0';
    if (++significant <= kMaxDigits + 1) {
      small_mantissa = small_mantissa * 10 + static_cast<uint64_t>(digit);
    } else {
      if (significant > kMaxSignificantDigits) return invalid("is too long");
      if (significant == kMaxDigits + 2) big_mantissa = small_mantissa;
      big_mantissa = big_mantissa * 10 + digit;
    }
  }
  if (digits_seen == 0) return invalid("is not a decimal number");
  int exponent = 0;
  if (i < text.size()) {
    if (!options.allow_exponent || (text[i] != 'e' && text[i] != 'E')) {
      return invalid("is not a decimal number");
    }
    absl::string_view digits = text.substr(i + 1);
    bool negative_exponent = false;
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
      negative_exponent = digits.front() == '-';
      digits.remove_prefix(1);
    }
    if (digits.empty()) return invalid("is not a decimal number");
    for (char c : digits) {
      if (c < '0' || c > '9') return invalid("is not a decimal number");
      if (exponent <= kMaxExponent) exponent = exponent * 10 + (c - '0');
    }
    if (exponent > kMaxExponent) return invalid("is out of range");
    if (negative_exponent) exponent = -exponent;
  }
  if (significant == 0) return 0;
  const int shift = scale_digits - std::max(fraction_digits, 0) + exponent;
  if (shift >= 0) {
    // At most 19 digits once scaled: the magnitude fits uint64 (10^19 < 2^64).
    if (significant + shift > kMaxDigits + 1) return invalid("is out of range");
    const uint64_t magnitude = small_mantissa * kPowersOfTen[shift];
    constexpr uint64_t kMaxMagnitude = uint64_t{1} << 63;  // |INT64_MIN|
    if (magnitude > kMaxMagnitude - (negative ? 0 : 1)) return invalid("is out of range");
    return negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  }
  // More decimals than the scale: below half a unit when the divisor exceeds the mantissa
  // by more than a digit, else one rounding (or, when exact, a remainder is an error).
  if (-shift > kMaxSignificantDigits + 1) {
    if (!options.round_extra_decimals) return too_many_decimals();
    return 0;
  }
  __int128 mantissa =
      significant <= kMaxDigits + 1 ? static_cast<__int128>(small_mantissa) : big_mantissa;
  if (negative) mantissa = -mantissa;
  __int128 divisor = 1;
  for (int d = 0; d < -shift; ++d) divisor *= 10;
  if (!options.round_extra_decimals && mantissa % divisor != 0) return too_many_decimals();
  std::optional<int64_t> rounded = CheckedRoundedDiv(mantissa, divisor);
  if (!rounded) return invalid("is out of range");
  return *rounded;
}

std::string FormatFixed(int64_t value, int scale_digits) {
  TC_CHECK(scale_digits >= 0 && scale_digits <= kMaxDigits);
  const bool negative = value < 0;
  // Work in unsigned 128 bits so INT64_MIN formats correctly.
  unsigned __int128 magnitude =
      negative ? static_cast<unsigned __int128>(-static_cast<__int128>(value)) : value;
  const unsigned __int128 unit = static_cast<unsigned __int128>(PowerOfTen(scale_digits));
  const uint64_t whole = static_cast<uint64_t>(magnitude / unit);
  std::string fraction = absl::StrCat(static_cast<uint64_t>(magnitude % unit));
  std::string result = absl::StrCat(negative ? "-" : "", whole);
  if (scale_digits > 0) {
    absl::StrAppend(&result, ".", std::string(scale_digits - fraction.size(), '0'), fraction);
  }
  return result;
}

std::optional<int64_t> CheckedMul(int64_t a, int64_t b) {
  int64_t result;
  if (__builtin_mul_overflow(a, b, &result)) return std::nullopt;
  return result;
}

std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

std::optional<int64_t> CheckedSub(int64_t a, int64_t b) {
  int64_t difference = 0;
  if (__builtin_sub_overflow(a, b, &difference)) return std::nullopt;
  return difference;
}

}  // namespace tc
