// Fuzz-target support for the parameter-file readers (spn_reader_fuzz, pa2_reader_fuzz):
// what every target checks once a file has been read. The parameters are compiled and,
// when they compile, two books are margined: a small one (3 long / 2 short per contract)
// and one at the largest quantity a position may have. Every outcome must be a value or
// a clean status of the documented kind; anything else aborts with a message, which
// libFuzzer reports as a crash with its input.
//
//   absl::StatusOr<SpnFile> file = ReadSpn(text);
//   if (file.ok()) MarginSmallBooks(file->parameters);
#ifndef TOKENCLEAR_MARGIN_MARGIN_FUZZING_H_
#define TOKENCLEAR_MARGIN_MARGIN_FUZZING_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "margin/risk_parameters.h"

namespace tc::margin::fuzzing {

// Aborts (a fuzz crash) with `what` and the status when `ok` is false.
void Require(bool ok, absl::string_view what, const absl::Status& status = absl::OkStatus());

// A reader's refusal must be InvalidArgument naming a line (or the missing .pa2 header, or
// an input-size limit).
void RequireCleanRefusal(const absl::Status& status, absl::string_view reader);

// Compiles `params`; when they compile, margins the two books described above.
void MarginSmallBooks(const RiskParameters& params);

}  // namespace tc::margin::fuzzing

#endif  // TOKENCLEAR_MARGIN_MARGIN_FUZZING_H_
