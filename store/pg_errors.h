// Translates libpqxx exceptions into absl::Status at the storage boundary, so nothing
// above store/ sees an exception. SQLSTATE decides the code: constraint violations are
// FAILED_PRECONDITION (the state forbids the change), a lost connection UNAVAILABLE.
//
//   try { ... } catch (const std::exception& e) { return StatusFromException(e); }
#ifndef TOKENCLEAR_STORE_PG_ERRORS_H_
#define TOKENCLEAR_STORE_PG_ERRORS_H_

#include <exception>

#include "absl/status/status.h"

namespace tc::store {

absl::Status StatusFromException(const std::exception& error);

// True for failures after which running the same transaction again may succeed:
// serialization failures, deadlocks, lost connections, commits of unknown outcome.
// (The last is only safe to retry because every write of ours is keyed and idempotent.)
bool IsRetryable(const std::exception& error, bool retry_unique_violation);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_PG_ERRORS_H_
