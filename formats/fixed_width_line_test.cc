// FixedWidthLine: columns past a short line, trimming, unsigned and implied-decimal
// fields, signs, and errors naming line, field, columns and text.
#include "formats/fixed_width_line.h"

#include "gtest/gtest.h"

namespace tc::formats {
namespace {

TEST(FixedWidthLineTest, ReadsColumnsAsPublishedLayoutsNumberThem) {
  const FixedWidthLine line("B NYM CL  0012345-", 7);
  EXPECT_EQ(line.line_number(), 7);
  EXPECT_EQ(line.Text(1, 1), "B");
  EXPECT_EQ(line.Text(3, 6), "NYM ");
  EXPECT_EQ(line.Trimmed(7, 10), "CL");
  EXPECT_EQ(line.Text(17, 22), "5-    ");  // past the end: blanks
  EXPECT_TRUE(line.IsBlank(19, 30));
  EXPECT_EQ(*line.Unsigned("value", 11, 17), 12345);
  EXPECT_EQ(*line.Decimal("value", 11, 17, 2, 6), 123'450'000);
  EXPECT_EQ(*line.Sign("sign", 18), -1);
  EXPECT_EQ(*line.Sign("sign", 19), 1);
}

TEST(FixedWidthLineTest, ErrorsNameLineFieldColumnsAndText) {
  const FixedWidthLine line("12a4 9", 3);
  EXPECT_EQ(line.Unsigned("count", 1, 4).status().message(),
            "line 3: count (columns 1-4) = '12a4' is not all digits");
  EXPECT_EQ(line.Decimal("rate", 5, 6, 1, 0).status().message(),
            "line 3: rate (columns 5-6) = ' 9' is not all digits");
  EXPECT_EQ(line.Decimal("rate", 6, 6, 1, 0).status().message(),
            "line 3: rate (columns 6-6) = '9' '.9' has more than 0 decimals");
  EXPECT_EQ(line.Sign("sign", 1).status().message(),
            "line 3: sign (columns 1-1) = '1' is not a sign");
}

}  // namespace
}  // namespace tc::formats
