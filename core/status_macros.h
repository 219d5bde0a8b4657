// Status propagation macros. Abseil 20220623 (Debian 12) has no status_macros.h, so we
// carry our own under names that can later be swapped for ABSL_RETURN_IF_ERROR and
// ABSL_ASSIGN_OR_RETURN.
//
//   absl::StatusOr<Trade> Parse(...);
//   absl::Status Handle(...) {
//     TC_ASSIGN_OR_RETURN(Trade trade, Parse(...));
//     TC_RETURN_IF_ERROR(Store(trade));
//     return absl::OkStatus();
//   }
#ifndef TOKENCLEAR_CORE_STATUS_MACROS_H_
#define TOKENCLEAR_CORE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define TC_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status tc_status_ = (expr);      \
    if (!tc_status_.ok()) return tc_status_; \
  } while (false)

#define TC_STATUS_CONCAT_INNER_(a, b) a##b
#define TC_STATUS_CONCAT_(a, b) TC_STATUS_CONCAT_INNER_(a, b)

#define TC_ASSIGN_OR_RETURN(lhs, expr) \
  TC_ASSIGN_OR_RETURN_IMPL_(TC_STATUS_CONCAT_(tc_statusor_, __LINE__), lhs, expr)

#define TC_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                              \
  if (!statusor.ok()) return statusor.status();        \
  lhs = std::move(statusor).value()

#endif  // TOKENCLEAR_CORE_STATUS_MACROS_H_
