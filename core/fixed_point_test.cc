#include "core/fixed_point.h"

#include <limits>

#include "gtest/gtest.h"

namespace tc {
namespace {

TEST(RoundedDivTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(RoundedDiv(10, 4), 3);    // 2.5
  EXPECT_EQ(RoundedDiv(-10, 4), -3);  // -2.5
  EXPECT_EQ(RoundedDiv(9, 4), 2);     // 2.25
  EXPECT_EQ(RoundedDiv(11, 4), 3);    // 2.75
  EXPECT_EQ(RoundedDiv(-11, 4), -3);
  EXPECT_EQ(RoundedDiv(10, -4), -3);
  EXPECT_EQ(RoundedDiv(7, 7), 1);
  EXPECT_EQ(RoundedDiv(0, 5), 0);
}

TEST(RoundedDivTest, ReportsOverflow) {
  const __int128 huge = static_cast<__int128>(std::numeric_limits<int64_t>::max()) * 4;
  EXPECT_FALSE(CheckedRoundedDiv(huge, 2).has_value());
  EXPECT_EQ(CheckedRoundedDiv(huge, 4), std::numeric_limits<int64_t>::max());
}

TEST(RoundedDivDeathTest, ZeroDenominatorIsAProgrammerError) {
  EXPECT_DEATH(RoundedDiv(1, 0), "division by zero");
}

TEST(ParseFixedTest, ParsesExactDecimals) {
  EXPECT_EQ(*ParseFixed("3.125", 6), 3'125'000);
  EXPECT_EQ(*ParseFixed("-0.5", 6), -500'000);
  EXPECT_EQ(*ParseFixed("+7", 3), 7'000);
  EXPECT_EQ(*ParseFixed("0.000001", 6), 1);
  EXPECT_EQ(*ParseFixed("12.", 2), 1200);
  EXPECT_EQ(*ParseFixed(".5", 1), 5);
}

TEST(ParseFixedTest, RejectsWhatWouldNeedRounding) {
  EXPECT_EQ(ParseFixed("0.0000001", 6).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseFixed("", 6).ok());
  EXPECT_FALSE(ParseFixed("-", 6).ok());
  EXPECT_FALSE(ParseFixed("1.2.3", 6).ok());
  EXPECT_FALSE(ParseFixed("1e5", 6).ok());
  EXPECT_FALSE(ParseFixed("99999999999999999999", 6).ok());
  EXPECT_NE(ParseFixed("abc", 6).status().message().find("'abc'"), std::string::npos);
}

TEST(ParseFixedTest, ExponentAndRoundingAreOptIn) {
  const ParseFixedOptions xsd{.allow_exponent = true, .round_extra_decimals = true};
  EXPECT_EQ(*ParseFixed("1.25E3", 6, xsd), 1'250'000'000);
  EXPECT_EQ(*ParseFixed("-5e-1", 6, xsd), -500'000);
  EXPECT_EQ(*ParseFixed("0.0000005", 6, xsd), 1);  // half a micro: away from zero
  EXPECT_EQ(*ParseFixed("-0.0000005", 6, xsd), -1);
  EXPECT_EQ(*ParseFixed("0.00000049", 6, xsd), 0);
  EXPECT_EQ(*ParseFixed("1E-400", 6, xsd), 0);
  EXPECT_EQ(*ParseFixed("000000000000000000000000000000000000000000001", 0, xsd), 1);
  EXPECT_FALSE(ParseFixed("1e300", 6, xsd).ok());
  EXPECT_FALSE(ParseFixed("1e401", 0, xsd).ok());
  EXPECT_FALSE(ParseFixed("1e", 6, xsd).ok());
  EXPECT_FALSE(ParseFixed("e5", 6, xsd).ok());
  EXPECT_FALSE(ParseFixed("1e+-5", 6, xsd).ok());
  EXPECT_FALSE(ParseFixed("1.25E3", 6).ok());  // off by default
  // Exponent without rounding: exact or refused.
  EXPECT_EQ(ParseFixed("15e-7", 6, {.allow_exponent = true}).status().message(),
            "'15e-7' has more than 6 decimals");
  EXPECT_EQ(*ParseFixed("10e-7", 6, {.allow_exponent = true}), 1);
}

TEST(FormatFixedTest, FormatsWithFixedDecimals) {
  EXPECT_EQ(FormatFixed(3'125'000, 6), "3.125000");
  EXPECT_EQ(FormatFixed(-500'000, 6), "-0.500000");
  EXPECT_EQ(FormatFixed(42, 0), "42");
  EXPECT_EQ(FormatFixed(std::numeric_limits<int64_t>::min(), 6), "-9223372036854.775808");
}

TEST(FixedPointTest, FormatThenParseRoundTrips) {
  for (int64_t value : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{123456789},
                        std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
    EXPECT_EQ(*ParseFixed(FormatFixed(value, 6), 6), value);
  }
}

TEST(RescaleTest, ScalesUpExactlyAndDownWithTheRoundingRule) {
  EXPECT_EQ(Rescale(15, 1, 6), 1'500'000);
  EXPECT_EQ(Rescale(1'500'000, 6, 0), 2);
  EXPECT_EQ(Rescale(-1'500'000, 6, 0), -2);
  EXPECT_EQ(Rescale(1'499'999, 6, 0), 1);
}

TEST(CheckedMulTest, DetectsOverflow) {
  EXPECT_FALSE(CheckedMul(std::numeric_limits<int64_t>::max(), 2).has_value());
  EXPECT_EQ(CheckedMul(-4, 5), -20);
}

}  // namespace
}  // namespace tc
