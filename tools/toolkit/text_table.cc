// Rendering of the tools' aligned text tables (see text_table.h).
#include "tools/toolkit/text_table.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/check.h"

namespace tc::tools {
namespace {

constexpr absl::string_view kGap = "  ";

// "-12", "3.125000": an optional minus, digits, at most one point. A lone "-" stands
// for a missing number.
bool IsNumber(absl::string_view text) {
  if (text == "-") return true;
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) {
                       return absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '.';
                     }) &&
         std::count(text.begin(), text.end(), '.') <= 1;
}

std::string Pad(absl::string_view text, size_t width, bool right) {
  const std::string fill(width - text.size(), ' ');
  return right ? absl::StrCat(fill, text) : absl::StrCat(text, fill);
}

}  // namespace

TextTable::TextTable(std::vector<std::string> headers)
    : headers_(std::move(headers)), alignments_(headers_.size(), Alignment::kAuto) {}

void TextTable::AddRow(std::vector<std::string> cells) {
  TC_CHECK(cells.size() == headers_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::SetAlignment(size_t column, Alignment alignment) {
  TC_CHECK(column < headers_.size());
  alignments_[column] = alignment;
}

bool TextTable::IsRightAligned(size_t column) const {
  switch (alignments_[column]) {
    case Alignment::kLeft:
      return false;
    case Alignment::kRight:
      return true;
    case Alignment::kAuto:
      break;
  }
  return !rows_.empty() && std::all_of(rows_.begin(), rows_.end(),
                                       [&](const auto& row) { return IsNumber(row[column]); });
}

std::string TextTable::Render() const {
  std::vector<size_t> widths;
  std::vector<bool> right;
  for (size_t c = 0; c < headers_.size(); ++c) {
    size_t width = headers_[c].size();
    for (const auto& row : rows_) width = std::max(width, row[c].size());
    widths.push_back(width);
    right.push_back(IsRightAligned(c));
  }
  std::string out;
  auto render_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < cells.size(); ++c) {
      absl::StrAppend(&line, c == 0 ? "" : kGap, Pad(cells[c], widths[c], right[c]));
    }
    line.erase(line.find_last_not_of(' ') + 1);
    absl::StrAppend(&out, line, "\n");
  };
  render_line(headers_);
  for (const auto& row : rows_) render_line(row);
  return out;
}

}  // namespace tc::tools
