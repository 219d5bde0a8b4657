// Checks TextTable's alignment: column widths and right-aligned numeric columns.
//
//   ctest -R text_table_test
#include "tools/text_table.h"

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

}  // namespace
}  // namespace tc::tools
