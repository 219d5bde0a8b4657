// The one loader of risk-parameter files: picks the format of a CME SPAN file from its
// name or, failing that, its content, and reads it with ReadSpn (.spn, XML) or ReadPa2
// (.pa2, positional). Used by margincalc and by anything else that is handed "a
// parameter file" without being told which kind. Errors are the reader's, unprefixed.
//
//   absl::StatusOr<ParameterFile> file = LoadParameterFile(bytes, "eod.spn");
//   for (const std::string& note : file->unsupported) Warn(note);
//   absl::StatusOr<CompiledParameters> compiled = CompileParameters(file->parameters);
#ifndef TOKENCLEAR_MARGIN_FILES_PARAMETER_FILE_H_
#define TOKENCLEAR_MARGIN_FILES_PARAMETER_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "formats/xml_document.h"
#include "margin/files/pa2_reader.h"
#include "margin/risk_parameters.h"

namespace tc::margin {

enum class ParameterFileFormat {
  kSpn,  // CME SPAN XML (span.md 3.2)
  kPa2,  // CME expanded positional (span.md 3.1)
};

struct ParameterFile {
  ParameterFileFormat format = ParameterFileFormat::kSpn;
  RiskParameters parameters{};
  std::vector<std::string> unsupported{};  // "line N: ..." for each feature not applied
};

struct ParameterFileLimits {
  formats::XmlLimits xml{};
  Pa2Limits pa2{};
};

// .spn when `name` ends in .spn or .xml, .pa2 when it ends in .pa2 (any case); otherwise
// .spn when the first byte that is not ASCII whitespace is '<', else .pa2. `name` may be
// empty (bytes from a request or a database).
ParameterFileFormat DetectParameterFileFormat(absl::string_view contents,
                                              absl::string_view name = "");

// Reads `contents` in the format DetectParameterFileFormat picks.
absl::StatusOr<ParameterFile> LoadParameterFile(absl::string_view contents,
                                                absl::string_view name = "",
                                                const ParameterFileLimits& limits = {});

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_FILES_PARAMETER_FILE_H_
