// The server's Prometheus instruments (prometheus-cpp, Debian's prometheus-cpp-dev), named
// in one place so that dashboards and alerts have one list to read (docs/OPERATIONS.md).
// Events are counted where they happen (every RPC in Rpc::Run, trades and batch commits in
// trade capture, end-of-day steps and margin cycles in their handlers); state that lives
// elsewhere (the connection pool, open flags in the database, the process's memory) is read
// by the hooks at scrape time, so a gauge is never older than the scrape.
//
//   Metrics metrics;
//   metrics.ObserveRpc("SubmitTrades", grpc::StatusCode::OK, absl::Milliseconds(3));
//   metrics.AddScrapeHook([&] { metrics.SetPool(pool.GetStats()); });
//   prometheus::Exposer exposer("127.0.0.1:9464");
//   exposer.RegisterCollectable(metrics.collectable());
#ifndef TOKENCLEAR_SERVICES_COMMON_METRICS_H_
#define TOKENCLEAR_SERVICES_COMMON_METRICS_H_

#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "store/ops_store.h"
#include "store/pg_pool.h"

namespace tc::services {

// What one SubmitTrades batch or feed message did to its events.
struct TradeOutcomeCounts {
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t duplicate = 0;
};

class Metrics {
 public:
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void ObserveRpc(absl::string_view method, grpc::StatusCode code, absl::Duration elapsed);
  void CountTrades(const TradeOutcomeCounts& counts);
  void ObserveBatchCommit(absl::Duration elapsed);
  void ObserveEodStep(absl::string_view step, absl::Duration elapsed, int64_t rows);
  void ObserveMarginCycle(absl::Duration elapsed);

  // Gauges set by scrape hooks.
  void SetPool(const store::PgPool::Stats& stats);
  // The database's open flags, or, when `flags` is null, that the database did not answer
  // (tokenclear_database_up 0; the flag gauges keep their last values).
  void SetOpenFlags(const store::OpenFlags* flags);
  void SetResidentMemory(int64_t bytes);

  // Runs before every scrape, in order; a hook must be quick and must not throw.
  void AddScrapeHook(std::function<void()> hook);

  // What an Exposer registers: runs the hooks, then collects every instrument.
  std::weak_ptr<prometheus::Collectable> collectable() const;

 private:
  class Collector;

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<Collector> collectable_;
  prometheus::Family<prometheus::Counter>& rpc_requests_;
  prometheus::Family<prometheus::Histogram>& rpc_duration_;
  prometheus::Family<prometheus::Counter>& trades_;
  prometheus::Histogram& batch_commit_;
  prometheus::Family<prometheus::Gauge>& eod_step_duration_;
  prometheus::Family<prometheus::Gauge>& eod_step_rows_;
  prometheus::Histogram& margin_cycle_;
  prometheus::Family<prometheus::Gauge>& db_connections_;
  prometheus::Gauge& db_connections_max_;
  prometheus::Counter& db_acquires_;
  prometheus::Counter& db_acquire_wait_;
  prometheus::Gauge& failure_to_pay_flags_;
  prometheus::Gauge& stale_index_flags_;
  prometheus::Gauge& database_up_;
  prometheus::Gauge& resident_memory_;
  absl::Mutex hooks_mutex_;
  std::vector<std::function<void()>> hooks_ ABSL_GUARDED_BY(hooks_mutex_);
};

// The process's resident set size, from /proc/self/statm; 0 where it cannot be read.
int64_t ResidentMemoryBytes();

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_COMMON_METRICS_H_
