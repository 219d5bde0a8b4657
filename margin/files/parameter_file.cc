#include "margin/files/parameter_file.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "margin/files/spn_reader.h"

namespace tc::margin {

ParameterFileFormat DetectParameterFileFormat(absl::string_view contents, absl::string_view name) {
  if (absl::EndsWithIgnoreCase(name, ".spn") || absl::EndsWithIgnoreCase(name, ".xml")) {
    return ParameterFileFormat::kSpn;
  }
  if (absl::EndsWithIgnoreCase(name, ".pa2")) return ParameterFileFormat::kPa2;
  const absl::string_view head = absl::StripLeadingAsciiWhitespace(contents);
  return !head.empty() && head.front() == '<' ? ParameterFileFormat::kSpn
                                              : ParameterFileFormat::kPa2;
}

absl::StatusOr<ParameterFile> LoadParameterFile(absl::string_view contents, absl::string_view name,
                                                const ParameterFileLimits& limits) {
  ParameterFile out{.format = DetectParameterFileFormat(contents, name)};
  if (out.format == ParameterFileFormat::kSpn) {
    absl::StatusOr<SpnFile> file = ReadSpn(contents, limits.xml);
    if (!file.ok()) return file.status();
    out.parameters = std::move(file->parameters);
    out.unsupported = std::move(file->unsupported);
  } else {
    absl::StatusOr<Pa2File> file = ReadPa2(contents, limits.pa2);
    if (!file.ok()) return file.status();
    out.parameters = std::move(file->parameters);
    out.unsupported = std::move(file->unsupported);
  }
  return out;
}

}  // namespace tc::margin
