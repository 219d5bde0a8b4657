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
// serialization failures, deadlocks, lost connections, commits of unknown outcome, and
// every failure of IsServerLost. (A commit of unknown outcome is only safe to retry
// because every write of ours is keyed and idempotent.)
bool IsRetryable(const std::exception& error, bool retry_unique_violation);

// True when the server behind the connection no longer takes our transactions, as during a
// failover (docs/HA.md): the connection is lost (SQLSTATE class 08, or libpq's broken
// connection), the server is shutting down or not yet accepting connections (57P01
// admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now), or it is read-only
// (25006: a demoted primary, or a promoted standby the monitor has not yet confirmed).
// These are UNAVAILABLE; the other pooled connections most likely lead to the same server.
bool IsServerLost(const std::exception& error);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_PG_ERRORS_H_
