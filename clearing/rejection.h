// Why an event was refused: the gRPC-compatible status code that fits, the offending
// field (a path such as "trade.price_micros") and a message naming field and value.
//
//   return Rejection{absl::StatusCode::kInvalidArgument, "trade.quantity",
//                    "trade.quantity 0 must be positive"};
#ifndef TOKENCLEAR_CLEARING_REJECTION_H_
#define TOKENCLEAR_CLEARING_REJECTION_H_

#include <string>

#include "absl/status/status.h"

namespace tc::clearing {

struct Rejection {
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;
  std::string field;
  std::string message;
};

}  // namespace tc::clearing

#endif  // TOKENCLEAR_CLEARING_REJECTION_H_
