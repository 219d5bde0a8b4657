// What the command-line tools print and how they end: a table for people or JSON for
// programs on stdout; "TOOL: message" on stderr with the exit status (0 done, 1 the
// work failed, 2 the command line was wrong).
//
//   int main(int argc, char** argv) {
//     ...
//     if (command == nullptr) return tc::tools::ReportUsage(Usage());        // exit 2
//     absl::Status status = tc::tools::PrintTableOrJson(
//         absl::GetFlag(FLAGS_json), table, [&] { return ToJson(result); });
//     if (!status.ok()) return tc::tools::ReportError("mytool", status.message());  // 1
//     return tc::tools::kExitOk;
//   }
#ifndef TOKENCLEAR_TOOLS_TOOLKIT_OUTPUT_H_
#define TOKENCLEAR_TOOLS_TOOLKIT_OUTPUT_H_

#include <cstdio>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/toolkit/text_table.h"

namespace tc::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the work failed (API error, bad input file)
inline constexpr int kExitUsage = 2;    // no such command, wrong arguments

// With `json`, what `to_json` returns (it is called only then), else the rendered table;
// written to `out` as is. An error of `to_json` is returned and nothing is written.
absl::Status PrintTableOrJson(bool json, const TextTable& table,
                              absl::FunctionRef<absl::StatusOr<std::string>()> to_json,
                              std::FILE* out = stdout);

// `text` as a JSON string literal, quotes included: '"' and '\' escaped, control
// characters as \u00XX; other bytes (UTF-8 included) as they are.
std::string JsonQuote(absl::string_view text);

// Writes "WHO: MESSAGE\n" to `err` and returns kExitFailure.
int ReportError(absl::string_view who, absl::string_view message, std::FILE* err = stderr);

// Writes `usage` to `err` as is and returns kExitUsage.
int ReportUsage(absl::string_view usage, std::FILE* err = stderr);

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_TOOLKIT_OUTPUT_H_
