// ParseXsdNumber (.spn numbers: exponents, one rounding), ParseImpliedDecimal (.pa2
// fields: exact) and FormatDecimal (shortest exact text).
#include "formats/decimal_text.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace tc::formats {
namespace {

TEST(DecimalTextTest, XsdNumbersAcceptExponentsAndRoundOnce) {
  EXPECT_EQ(*ParseXsdNumber("-12.5", 6), -12'500'000);
  EXPECT_EQ(*ParseXsdNumber("1.25E3", 6), 1'250'000'000);
  EXPECT_EQ(*ParseXsdNumber("+.5e+1", 0), 5);
  EXPECT_EQ(*ParseXsdNumber("0.0000005", 6), 1);
  EXPECT_EQ(*ParseXsdNumber("-0.0000015", 6), -2);
  EXPECT_EQ(*ParseXsdNumber("0.00000049999", 6), 0);
  EXPECT_EQ(*ParseXsdNumber("-0", 6), 0);
  EXPECT_EQ(*ParseXsdNumber("-1E-400", 6), 0);
  EXPECT_EQ(*ParseXsdNumber("9223372036854.775807", 6), std::numeric_limits<int64_t>::max());
  for (const char* bad : {"", " 1", "1 ", "INF", "NaN", "1e300", "1.2.3", "1e", "e1", "0x10",
                          "9223372036854.775808", "1e5000", "1,5"}) {
    EXPECT_FALSE(ParseXsdNumber(bad, 6).ok()) << bad;
  }
}

TEST(DecimalTextTest, ImpliedDecimalsAreExact) {
  EXPECT_EQ(*ParseImpliedDecimal("0012345", 2, 6), 123'450'000);
  EXPECT_EQ(*ParseImpliedDecimal("1000", 3, 0), 1);  // trailing zeros beyond the scale
  EXPECT_EQ(*ParseImpliedDecimal("42", 0, 4), 420'000);
  EXPECT_EQ(*ParseImpliedDecimal("5", 1, 1), 5);
  EXPECT_EQ(ParseImpliedDecimal("12345", 2, 1).status().message(),
            "'123.45' has more than 1 decimals");
  EXPECT_FALSE(ParseImpliedDecimal("12a45", 2, 6).ok());
}

TEST(DecimalTextTest, FormatDecimalIsShortestExact) {
  EXPECT_EQ(FormatDecimal(-500'000, 6), "-0.5");
  EXPECT_EQ(FormatDecimal(1'000'000'000, 6), "1000");
  EXPECT_EQ(FormatDecimal(0, 6), "0");
  EXPECT_EQ(FormatDecimal(400'000, 4), "40");
  EXPECT_EQ(FormatDecimal(-333'333'333, 6), "-333.333333");
  EXPECT_EQ(FormatDecimal(7, 0), "7");
}

TEST(DecimalTextTest, FormatThenParseRoundTrips) {
  for (int64_t value : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{1'500'000},
                        std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
    EXPECT_EQ(*ParseXsdNumber(FormatDecimal(value, 6), 6), value);
  }
}

}  // namespace
}  // namespace tc::formats
