// Aligned plain-text tables for the command-line tools: each column is as wide as its
// widest cell, columns are two spaces apart and lines carry no trailing spaces. By
// default a column whose every cell is a number (or "-") is right-aligned and any other
// left-aligned; SetAlignment fixes a column's alignment instead.
//
//   TextTable table({"ACCOUNT", "LONG"});
//   table.AddRow({"CM01-H", "120"});
//   std::fputs(table.Render().c_str(), stdout);
//   // ACCOUNT  LONG
//   // CM01-H    120
#ifndef TOKENCLEAR_TOOLS_TOOLKIT_TEXT_TABLE_H_
#define TOKENCLEAR_TOOLS_TOOLKIT_TEXT_TABLE_H_

#include <cstddef>
#include <string>
#include <vector>

namespace tc::tools {

class TextTable {
 public:
  enum class Alignment {
    kAuto,  // right when every cell of the column is a number or "-", else left
    kLeft,
    kRight,
  };

  explicit TextTable(std::vector<std::string> headers);

  // `cells` has one entry per header.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  // The header follows its column's alignment.
  void SetAlignment(size_t column, Alignment alignment);

  // The header line, then one line per row, each ending in '\n'.
  std::string Render() const;

 private:
  bool IsRightAligned(size_t column) const;

  std::vector<std::string> headers_;
  std::vector<Alignment> alignments_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_TOOLKIT_TEXT_TABLE_H_
