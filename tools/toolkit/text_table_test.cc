// Checks TextTable's alignment: column widths, right-aligned numeric columns and
// alignments set per column.
//
//   ctest -R toolkit_test
#include "tools/toolkit/text_table.h"

#include <string>
#include <vector>

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

// margincalc's layout: the first column left, every other right, blanks included; then
// the last column set back to left.
TEST(TextTableTest, SetAlignmentOverridesTheNumberRule) {
  TextTable table({"CC", "Scan", "Initial"});
  for (const auto& row : {std::vector<std::string>{"TKF", "67068.000000", "92046.000000"},
                          std::vector<std::string>{"TOTAL", "", "127235.000000"}}) {
    table.AddRow(row);
  }
  for (size_t column : {1, 2}) table.SetAlignment(column, TextTable::Alignment::kRight);
  const std::string right = table.Render();
  table.SetAlignment(2, TextTable::Alignment::kLeft);
  const std::string left = table.Render();
  EXPECT_EQ(right,
            "CC             Scan        Initial\n"
            "TKF    67068.000000   92046.000000\n"
            "TOTAL                127235.000000\n");
  EXPECT_EQ(left,
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
