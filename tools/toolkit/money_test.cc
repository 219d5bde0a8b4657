// Checks that money prints as USD with exactly six decimals, exact to the micro-dollar.
//
//   ctest -R toolkit_test
#include "tools/toolkit/money.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace tc::tools {
namespace {

TEST(FormatUsdMicrosTest, SixDecimalsAlways) {
  EXPECT_EQ(FormatUsdMicros(0), "0.000000");
  EXPECT_EQ(FormatUsdMicros(1), "0.000001");
  EXPECT_EQ(FormatUsdMicros(3125000), "3.125000");
  EXPECT_EQ(FormatUsdMicros(127235000000), "127235.000000");
  EXPECT_EQ(FormatUsdMicros(556036569412), "556036.569412");
}

TEST(FormatUsdMicrosTest, NegativeAmountsKeepTheirSignBelowOneDollar) {
  EXPECT_EQ(FormatUsdMicros(-1), "-0.000001");
  EXPECT_EQ(FormatUsdMicros(-500000), "-0.500000");
  EXPECT_EQ(FormatUsdMicros(-2973439), "-2.973439");
}

TEST(FormatUsdMicrosTest, TheWholeInt64Range) {
  EXPECT_EQ(FormatUsdMicros(std::numeric_limits<int64_t>::max()), "9223372036854.775807");
  EXPECT_EQ(FormatUsdMicros(std::numeric_limits<int64_t>::min()), "-9223372036854.775808");
}

}  // namespace
}  // namespace tc::tools
