#include "store/pg_errors.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "core/internal_error.h"

namespace tc::store {

namespace {

absl::Status Classify(const std::exception& error) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr) {
    return absl::UnavailableError(
        absl::StrCat("database commit outcome unknown, retry with the same keys: ", error.what()));
  }
  if (IsServerLost(error)) {
    return absl::UnavailableError(absl::StrCat("database unavailable: ", error.what()));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) {
    const std::string& state = sql->sqlstate();
    if (state == "57014") return absl::DeadlineExceededError("database statement timed out");
    if (state.rfind("40", 0) == 0) return absl::AbortedError(sql->what());
    if (state.rfind("23", 0) == 0) {
      return absl::FailedPreconditionError(absl::StrCat("constraint violated: ", sql->what()));
    }
    if (state.rfind("22", 0) == 0) return absl::InvalidArgumentError(sql->what());
    if (state.rfind("53", 0) == 0 || state.rfind("08", 0) == 0 || state.rfind("57", 0) == 0) {
      return absl::UnavailableError(sql->what());
    }
    return absl::InternalError(absl::StrCat("database error ", state, ": ", sql->what()));
  }
  return absl::InternalError(error.what());
}

}  // namespace

// Every message here carries the driver's or the server's text (hosts, ports, SQL): it is
// marked internal, so the RPC layer logs it and tells the caller only the code.
absl::Status StatusFromException(const std::exception& error) {
  return MarkInternal(Classify(error));
}

bool IsRetryable(const std::exception& error, bool retry_unique_violation) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr) return true;
  if (IsServerLost(error)) return true;
  if (dynamic_cast<const pqxx::transaction_rollback*>(&error) != nullptr) return true;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) {
    const std::string& state = sql->sqlstate();
    return state == "40001" || state == "40P01" || (retry_unique_violation && state == "23505");
  }
  return false;
}

bool IsServerLost(const std::exception& error) {
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr) return true;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) {
    const std::string& state = sql->sqlstate();
    return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03" ||
           state == "25006";
  }
  return false;
}

}  // namespace tc::store
