// Marks a status whose message describes our internals (a database host, a driver's text,
// an SQL state) rather than the caller's request. Such a message goes to the server log
// with a request ID; the caller gets the status code, a neutral message and the ID.
// Codes that are internal by nature (INTERNAL, UNKNOWN, DATA_LOSS) count as marked.
//
//   return MarkInternal(absl::UnavailableError(absl::StrCat("database: ", e.what())));
//   if (HidesInternals(status)) log(status); else reply(status);
#ifndef TOKENCLEAR_CORE_INTERNAL_ERROR_H_
#define TOKENCLEAR_CORE_INTERNAL_ERROR_H_

#include "absl/status/status.h"

namespace tc {

inline constexpr char kInternalPayloadUrl[] = "type.tokenclear/internal";

inline absl::Status MarkInternal(absl::Status status) {
  if (!status.ok()) status.SetPayload(kInternalPayloadUrl, absl::Cord("1"));
  return status;
}

inline bool HidesInternals(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return false;
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      return true;
    default:
      return status.GetPayload(kInternalPayloadUrl).has_value();
  }
}

}  // namespace tc

#endif  // TOKENCLEAR_CORE_INTERNAL_ERROR_H_
