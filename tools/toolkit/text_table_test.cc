// Checks TextTable's alignment: column widths, right-aligned numeric columns and
// alignments set per column.
//
//   ctest -R toolkit_test
#include "tools/toolkit/text_table.h"

#include "gtest/gtest.h"

namespace tc::tools {
namespace {

TEST(TextTableTest, AlignsColumnsAndRightAlignsNumbers) {
  TextTable table({"ACCOUNT", "NET", "PRICE"});
  table.AddRow({"CM01-H", "-120", "3.125000"});
  table.AddRow({"CM01-C001", "7", "-"});
  EXPECT_EQ(table.Render(),
            "ACCOUNT     NET     PRICE\n"
            "CM01-H     -120  3.125000\n"
            "CM01-C001     7         -\n");
}

TEST(TextTableTest, TextColumnsStayLeftAlignedAndLinesHaveNoTrailingSpaces) {
  TextTable table({"ID", "NAME"});
  table.AddRow({"1", "Atlas"});
  table.AddRow({"two", ""});
  EXPECT_EQ(table.Render(),
            "ID   NAME\n"
            "1    Atlas\n"
            "two\n");
}

TEST(TextTableTest, SetAlignmentOverridesTheNumberRule) {
  // margincalc's layout: the first column left, every other right, blanks included.
  TextTable table({"CC", "Scan", "Initial"});
  table.AddRow({"TKF", "67068.000000", "92046.000000"});
  table.AddRow({"TOTAL", "", "127235.000000"});
  table.SetAlignment(1, TextTable::Alignment::kRight);
  table.SetAlignment(2, TextTable::Alignment::kRight);
  EXPECT_EQ(table.Render(),
            "CC             Scan        Initial\n"
            "TKF    67068.000000   92046.000000\n"
            "TOTAL                127235.000000\n");
  table.SetAlignment(2, TextTable::Alignment::kLeft);
  EXPECT_EQ(table.Render(),
            "CC             Scan  Initial\n"
            "TKF    67068.000000  92046.000000\n"
            "TOTAL                127235.000000\n");
}

TEST(TextTableTest, AnEmptyTableIsTheHeaderLeftAligned) {
  TextTable table({"VERSION", "N"});
  EXPECT_EQ(table.rows(), 0u);
  EXPECT_EQ(table.Render(), "VERSION  N\n");
}

}  // namespace
}  // namespace tc::tools
