// A bounded pool of PostgreSQL connections and the one way to run a transaction on it.
// libpqxx has no pool, and a connection with its transaction is single-threaded, so a
// request leases a connection for the length of one transaction.
//
//   TC_ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool, PgPool::Create(url, 8));
//   absl::Status status = pool->Transact({.deadline = absl::Now() + absl::Seconds(5)},
//       [&](pqxx::work& tx) -> absl::Status {
//         tx.exec_params("INSERT ...", a, b);
//         return absl::OkStatus();   // commit; a non-OK status rolls back
//       });
#ifndef TOKENCLEAR_STORE_PG_POOL_H_
#define TOKENCLEAR_STORE_PG_POOL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/clock.h"

namespace tc::store {

struct TransactOptions {
  absl::Time deadline = absl::InfiniteFuture();
  // Attempts for retryable failures (serialization, deadlock, lost connection, unknown
  // commit outcome). Each attempt runs the whole function again.
  int max_attempts = 3;
  // Concurrent inserts of the same key: the retry sees the winner's row.
  bool retry_unique_violation = false;
};

class PgPool {
 public:
  // Checks that the database is reachable before returning.
  // `clock` is the one that callers' deadlines are read against (core/clock.h).
  static absl::StatusOr<std::unique_ptr<PgPool>> Create(std::string url, int max_connections,
                                                        const Clock& clock = Clock::Real());

  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Runs `body` in a READ COMMITTED transaction with a statement timeout from the
  // deadline, and commits when it returns OK. Exceptions never escape: they become a
  // status, after the retries above.
  absl::Status Transact(const TransactOptions& options,
                        const std::function<absl::Status(pqxx::work&)>& body);

  const std::string& url() const { return url_; }

  // What the pool is doing, read by the metrics at scrape time.
  struct Stats {
    int in_use = 0;
    int idle = 0;
    int capacity = 0;
    int64_t acquires = 0;         // leases granted since start
    absl::Duration acquire_wait;  // total time callers waited for a lease
  };
  Stats GetStats() const;

 private:
  PgPool(std::string url, int max_connections, const Clock& clock)
      : url_(std::move(url)), capacity_(max_connections), clock_(clock) {}

  absl::StatusOr<std::unique_ptr<pqxx::connection>> Acquire(absl::Time deadline);
  void Release(std::unique_ptr<pqxx::connection> connection);
  void DropIdle();
  absl::Status TransactOnce(pqxx::connection& connection, absl::Time deadline,
                            const std::function<absl::Status(pqxx::work&)>& body);

  const std::string url_;
  const int capacity_;
  const Clock& clock_;
  mutable absl::Mutex mutex_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mutex_);
  int leased_ ABSL_GUARDED_BY(mutex_) = 0;
  int64_t acquires_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::Duration acquire_wait_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_PG_POOL_H_
