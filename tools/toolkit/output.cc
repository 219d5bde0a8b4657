// Output and exit statuses of the tools (see output.h).
#include "tools/toolkit/output.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tc::tools {
namespace {

void Write(absl::string_view text, std::FILE* out) {
  std::fwrite(text.data(), 1, text.size(), out);
}

}  // namespace

absl::Status PrintTableOrJson(bool json, const TextTable& table,
                              absl::FunctionRef<absl::StatusOr<std::string>()> to_json,
                              std::FILE* out) {
  if (!json) {
    Write(table.Render(), out);
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> text = to_json();
  if (!text.ok()) return text.status();
  Write(*text, out);
  return absl::OkStatus();
}

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      absl::StrAppend(&out, "\\", absl::string_view(&c, 1));
    } else if (byte < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", byte);
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

int ReportError(absl::string_view who, absl::string_view message, std::FILE* err) {
  Write(absl::StrCat(who, ": ", message, "\n"), err);
  return kExitFailure;
}

int ReportUsage(absl::string_view usage, std::FILE* err) {
  Write(usage, err);
  return kExitUsage;
}

}  // namespace tc::tools
