#include "store/pg_pool.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/check.h"
#include "core/internal_error.h"
#include "store/pg_errors.h"

namespace tc::store {
namespace {

// A transaction never waits less than this for its statements, so that a caller whose
// deadline is nearly spent still gets a clear DEADLINE_EXCEEDED rather than a zero
// (which PostgreSQL reads as "no timeout").
constexpr int64_t kMinStatementTimeoutMs = 50;
constexpr int64_t kMaxStatementTimeoutMs = 600'000;

}  // namespace

absl::StatusOr<std::unique_ptr<PgPool>> PgPool::Create(std::string url, int max_connections,
                                                       const Clock& clock) {
  TC_CHECK(max_connections > 0);
  std::unique_ptr<PgPool> pool(new PgPool(std::move(url), max_connections, clock));
  absl::StatusOr<std::unique_ptr<pqxx::connection>> first =
      pool->Acquire(clock.Now() + absl::Seconds(10));
  if (!first.ok()) return first.status();
  pool->Release(std::move(*first));
  return pool;
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> PgPool::Acquire(absl::Time deadline) {
  {
    const absl::Time asked = clock_.Now();
    absl::MutexLock lock(&mutex_);
    auto available = [this]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) {
      return !idle_.empty() || leased_ < capacity_;
    };
    // Waits for the time left by the caller's clock (which may be a test's fixed clock).
    if (!mutex_.AwaitWithTimeout(absl::Condition(&available), deadline - clock_.Now())) {
      return MarkInternal(
          absl::DeadlineExceededError("no database connection became free before the deadline"));
    }
    ++leased_;
    ++acquires_;
    acquire_wait_ += clock_.Now() - asked;
    if (!idle_.empty()) {
      std::unique_ptr<pqxx::connection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (connection->is_open()) return connection;
    }
  }
  // Connect outside the lock: it takes a network round trip.
  try {
    return std::make_unique<pqxx::connection>(url_);
  } catch (const std::exception& e) {
    absl::MutexLock lock(&mutex_);
    --leased_;
    return StatusFromException(e);
  }
}

void PgPool::Release(std::unique_ptr<pqxx::connection> connection) {
  absl::MutexLock lock(&mutex_);
  --leased_;
  TC_CHECK(leased_ >= 0);
  if (connection != nullptr && connection->is_open()) idle_.push_back(std::move(connection));
}

PgPool::Stats PgPool::GetStats() const {
  absl::MutexLock lock(&mutex_);
  return {.in_use = leased_,
          .idle = static_cast<int>(idle_.size()),
          .capacity = capacity_,
          .acquires = acquires_,
          .acquire_wait = acquire_wait_};
}

void PgPool::DropIdle() {
  absl::MutexLock lock(&mutex_);
  idle_.clear();
}

absl::Status PgPool::TransactOnce(pqxx::connection& connection, absl::Time deadline,
                                  const std::function<absl::Status(pqxx::work&)>& body) {
  pqxx::work tx(connection);
  if (deadline != absl::InfiniteFuture()) {
    const int64_t timeout_ms = std::clamp(absl::ToInt64Milliseconds(deadline - clock_.Now()),
                                          kMinStatementTimeoutMs, kMaxStatementTimeoutMs);
    tx.exec0(absl::StrCat("SET LOCAL statement_timeout = ", timeout_ms));
  }
  absl::Status status = body(tx);
  if (!status.ok()) {
    tx.abort();
    return status;
  }
  tx.commit();
  return absl::OkStatus();
}

absl::Status PgPool::Transact(const TransactOptions& options,
                              const std::function<absl::Status(pqxx::work&)>& body) {
  TC_CHECK(options.max_attempts >= 1);
  absl::Status last_error;
  for (int attempt = 1; attempt <= options.max_attempts; ++attempt) {
    absl::StatusOr<std::unique_ptr<pqxx::connection>> connection = Acquire(options.deadline);
    if (!connection.ok()) return connection.status();
    bool retry = false;
    try {
      absl::Status status = TransactOnce(**connection, options.deadline, body);
      Release(std::move(*connection));
      return status;
    } catch (const std::exception& e) {
      last_error = StatusFromException(e);
      retry = IsRetryable(e, options.retry_unique_violation);
      // A lost connection, a server shutting down or a read-only one usually means a
      // restarted or failed-over server: the idle connections lead to the same place, and
      // a retry should not burn its attempts discovering that one by one. New connections
      // find the primary (target_session_attrs=read-write in a multi-host URL).
      if (IsServerLost(e)) DropIdle();
    }
    // The connection may be mid-transaction or broken: never reuse it.
    Release(nullptr);
    if (!retry || clock_.Now() >= options.deadline) break;
    absl::SleepFor(absl::Milliseconds(5 * attempt));
  }
  return last_error;
}

}  // namespace tc::store
