// Files for the command-line tools: read a whole input file (bounded), write an output
// file, and name the file in an error about its contents. Every error message starts
// with the path, so a tool's error line says which file is wrong.
//
//   absl::StatusOr<std::string> csv = tc::tools::ReadFile("book.csv");
//   if (!csv.ok()) return csv.status();                      // "book.csv: cannot open"
//   absl::StatusOr<Book> book = ParseBook(*csv);
//   if (!book.ok()) return tc::tools::InFile("book.csv", book.status());  // "book.csv: line 3:
//   ..." TC_RETURN_IF_ERROR(tc::tools::WriteFile("params.spn", spn));
#ifndef TOKENCLEAR_TOOLS_TOOLKIT_FILE_H_
#define TOKENCLEAR_TOOLS_TOOLKIT_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tc::tools {

// Largest file ReadFile reads into memory.
inline constexpr int64_t kMaxReadFileBytes = int64_t{1} << 30;

// The whole file, as bytes. NOT_FOUND "PATH: cannot open", INVALID_ARGUMENT
// "PATH: larger than N bytes" (over `max_bytes`), DATA_LOSS "PATH: read failed".
absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     int64_t max_bytes = kMaxReadFileBytes);

// Replaces the file with `contents`. INTERNAL "cannot write PATH" when it cannot.
absl::Status WriteFile(const std::string& path, absl::string_view contents);

// `status` with "PATH: " before its message, same code (OK stays OK).
absl::Status InFile(absl::string_view path, const absl::Status& status);

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_TOOLKIT_FILE_H_
