// Reading and writing whole files for the tools (see file.h).
#include "tools/toolkit/file.h"

#include <fstream>
#include <ios>

#include "absl/strings/str_cat.h"

namespace tc::tools {

absl::StatusOr<std::string> ReadFile(const std::string& path, int64_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0 || size > max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": larger than ", max_bytes, " bytes"));
  }
  in.seekg(0);
  std::string contents(static_cast<size_t>(size), '\0');
  in.read(contents.data(), size);
  if (!in) return absl::DataLossError(absl::StrCat(path, ": read failed"));
  return contents;
}

absl::Status WriteFile(const std::string& path, absl::string_view contents) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  file.close();
  if (!file) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Status InFile(absl::string_view path, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(path, ": ", status.message()));
}

}  // namespace tc::tools
