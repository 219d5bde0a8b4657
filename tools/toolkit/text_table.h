// Aligned plain-text tables for the command-line tools: each column is as wide as its
// widest cell; columns whose every cell is a number (or "-") are right-aligned.
//
//   TextTable table({"ACCOUNT", "LONG"});
//   table.AddRow({"CM01-H", "120"});
//   std::fputs(table.Render().c_str(), stdout);
//   // ACCOUNT  LONG
//   // CM01-H    120
#ifndef TOKENCLEAR_TOOLS_TEXT_TABLE_H_
#define TOKENCLEAR_TOOLS_TEXT_TABLE_H_

#include <string>
#include <vector>

namespace tc::tools {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers);

  // `cells` has one entry per header.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  // The header line, then one line per row, each ending in '\n'.
  std::string Render() const;

 private:
  bool IsNumericColumn(size_t column) const;

  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_TEXT_TABLE_H_
