// Checks ParseIndexCsv: exact decimals, comments and blank lines, line-numbered errors.
//
//   ctest -R index_csv_test
#include "tools/index_csv.h"

#include "gtest/gtest.h"

namespace tc::tools {
namespace {

TEST(IndexCsvTest, ParsesExactDecimalsAndSkipsComments) {
  absl::StatusOr<std::vector<tokenclear::v1::IndexValue>> values =
      ParseIndexCsv("# generated\n\nTOKFRONT,2026-11-20,3.012345\n TOKOPEN , 2026-11-20 , 0.45\n");
  ASSERT_TRUE(values.ok()) << values.status();
  ASSERT_EQ(values->size(), 2u);
  EXPECT_EQ((*values)[0].index_code(), "TOKFRONT");
  EXPECT_EQ((*values)[0].business_date(), "2026-11-20");
  EXPECT_EQ((*values)[0].value_micros(), 3'012'345);
  EXPECT_EQ((*values)[1].index_code(), "TOKOPEN");
  EXPECT_EQ((*values)[1].value_micros(), 450'000);
}

TEST(IndexCsvTest, NamesTheLineOfAnError) {
  const std::pair<const char*, const char*> cases[] = {
      {"TOKFRONT,2026-11-20,3.0\nTOKFRONT,2026-11-21\n", "line 2: expected"},
      {"# c\nTOKFRONT,2026-13-01,3.0\n", "line 2: "},
      {"TOKFRONT,2026-11-20,3.0000001\n", "line 1: value '3.0000001'"},
      {"TOKFRONT,2026-11-20,-1\n", "line 1: value '-1' is not a positive"},
      {"TOKFRONT,2026-11-20,abc\n", "line 1: value 'abc'"},
      {",2026-11-20,1\n", "line 1: index_code is empty"},
  };
  for (const auto& [csv, expected] : cases) {
    absl::StatusOr<std::vector<tokenclear::v1::IndexValue>> values = ParseIndexCsv(csv);
    ASSERT_FALSE(values.ok()) << csv;
    EXPECT_EQ(values.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(values.status().message().find(expected), std::string::npos)
        << values.status().message();
  }
}

}  // namespace
}  // namespace tc::tools
