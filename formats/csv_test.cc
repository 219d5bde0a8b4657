// ForEachCsvRecord: trimming, comments, blank lines, CRLF, line numbers, stopping early.
#include "formats/csv.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace tc::formats {
namespace {

std::vector<std::string> Records(absl::string_view csv, const CsvOptions& options = {}) {
  std::vector<std::string> out;
  absl::Status status = ForEachCsvRecord(
      csv,
      [&](const CsvRecord& record) {
        out.push_back(absl::StrCat(record.line_number, ":", absl::StrJoin(record.fields, "|")));
        return absl::OkStatus();
      },
      options);
  EXPECT_TRUE(status.ok()) << status;
  return out;
}

TEST(CsvTest, SplitsTrimsAndSkipsCommentsAndBlankLines) {
  EXPECT_EQ(Records("# header comment\r\na, b ,c\r\n\r\n  # indented comment\n x ,\n,,\nlast"),
            (std::vector<std::string>{"2:a|b|c", "5:x|", "6:||", "7:last"}));
  EXPECT_TRUE(Records("").empty());
  EXPECT_TRUE(Records("\n \n#\n").empty());
}

TEST(CsvTest, OtherSeparatorAndCommentCharacter) {
  EXPECT_EQ(Records("; note\na;b\n#x;y", {.separator = ';', .comment = ';'}),
            (std::vector<std::string>{"2:a|b", "3:#x|y"}));
}

TEST(CsvTest, StopsAtTheFirstErrorOfTheVisitor) {
  int visited = 0;
  absl::Status status = ForEachCsvRecord("a\nb\nc\n", [&](const CsvRecord& record) {
    ++visited;
    return record.fields[0] == "b" ? CsvLineError(record.line_number, "b is refused")
                                   : absl::OkStatus();
  });
  EXPECT_EQ(status, absl::InvalidArgumentError("line 2: b is refused"));
  EXPECT_EQ(visited, 2);
}

}  // namespace
}  // namespace tc::formats
