// Validation of reference data submitted by an administrator: every field checked, the
// first problem returned as a Rejection naming the field and its value. The LEI check
// follows ISO 17442 (two ISO 7064 MOD 97-10 check digits).
//
//   if (auto rejection = ValidateMember(member, "member")) return *rejection;
#ifndef TOKENCLEAR_CLEARING_REFERENCE_VALIDATION_H_
#define TOKENCLEAR_CLEARING_REFERENCE_VALIDATION_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "clearing/reference_data.h"
#include "clearing/rejection.h"

namespace tc::clearing {

bool IsValidLei(absl::string_view lei);

std::optional<Rejection> ValidateProduct(const Product& product, absl::string_view prefix);
std::optional<Rejection> ValidateMember(const Member& member, absl::string_view prefix);
// Also checks the member exists in `snapshot`.
std::optional<Rejection> ValidateAccount(const Account& account, const ReferenceSnapshot& snapshot,
                                         absl::string_view prefix);
std::optional<Rejection> ValidateInstrument(const Instrument& instrument,
                                            const ReferenceSnapshot& snapshot,
                                            absl::string_view prefix);

}  // namespace tc::clearing

#endif  // TOKENCLEAR_CLEARING_REFERENCE_VALIDATION_H_
