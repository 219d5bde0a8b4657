#include "services/common/metrics.h"

#include <unistd.h>

#include <fstream>
#include <string>
#include <utility>

#include "absl/status/status.h"

namespace tc::services {
namespace {

// Seconds. RPCs: from a cached read (~100 us) to a long end-of-day step or a large batch.
const prometheus::Histogram::BucketBoundaries kRpcBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
// A batch commit is bounded below by one fsync (about 1-5 ms on the disks we measured).
const prometheus::Histogram::BucketBoundaries kCommitBuckets = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
const prometheus::Histogram::BucketBoundaries kCycleBuckets = {0.05, 0.1, 0.25, 0.5, 1,  2.5,
                                                               5,    10,  30,   60,  300};

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace

// Collect() is const in prometheus-cpp, and the hooks set gauges: they are thread-safe,
// so calling them from a const method is sound.
class Metrics::Collector : public prometheus::Collectable {
 public:
  explicit Collector(Metrics& metrics) : metrics_(metrics) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    {
      absl::MutexLock lock(&metrics_.hooks_mutex_);
      for (const std::function<void()>& hook : metrics_.hooks_) hook();
    }
    return metrics_.registry_->Collect();
  }

 private:
  Metrics& metrics_;
};

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      collectable_(std::make_shared<Collector>(*this)),
      rpc_requests_(prometheus::BuildCounter()
                        .Name("tokenclear_rpc_requests_total")
                        .Help("RPCs answered, by method and gRPC status code")
                        .Register(*registry_)),
      rpc_duration_(prometheus::BuildHistogram()
                        .Name("tokenclear_rpc_duration_seconds")
                        .Help("Time from the call's arrival to its answer, by method")
                        .Register(*registry_)),
      trades_(prometheus::BuildCounter()
                  .Name("tokenclear_trades_total")
                  .Help("Trade events by outcome: accepted, rejected, duplicate (a retry)")
                  .Register(*registry_)),
      batch_commit_(prometheus::BuildHistogram()
                        .Name("tokenclear_trade_batch_commit_seconds")
                        .Help("One trade batch: plan, write and durable commit")
                        .Register(*registry_)
                        .Add({}, kCommitBuckets)),
      eod_step_duration_(prometheus::BuildGauge()
                             .Name("tokenclear_eod_step_duration_seconds")
                             .Help("Duration of the last run of each end-of-day step")
                             .Register(*registry_)),
      eod_step_rows_(prometheus::BuildGauge()
                         .Name("tokenclear_eod_step_rows")
                         .Help("Rows the last run of each end-of-day step handled")
                         .Register(*registry_)),
      margin_cycle_(prometheus::BuildHistogram()
                        .Name("tokenclear_margin_cycle_duration_seconds")
                        .Help("One margin cycle (daily or intraday), end to end")
                        .Register(*registry_)
                        .Add({}, kCycleBuckets)),
      db_connections_(prometheus::BuildGauge()
                          .Name("tokenclear_db_connections")
                          .Help("PostgreSQL connections of the pool, by state")
                          .Register(*registry_)),
      db_connections_max_(prometheus::BuildGauge()
                              .Name("tokenclear_db_connections_max")
                              .Help("The pool's capacity")
                              .Register(*registry_)
                              .Add({})),
      db_acquires_(prometheus::BuildCounter()
                       .Name("tokenclear_db_acquires_total")
                       .Help("Connections leased from the pool")
                       .Register(*registry_)
                       .Add({})),
      db_acquire_wait_(prometheus::BuildCounter()
                           .Name("tokenclear_db_acquire_wait_seconds_total")
                           .Help("Time callers waited for a free connection, in all")
                           .Register(*registry_)
                           .Add({})),
      failure_to_pay_flags_(prometheus::BuildGauge()
                                .Name("tokenclear_failure_to_pay_flags")
                                .Help("Open failure-to-pay flags on members")
                                .Register(*registry_)
                                .Add({})),
      stale_index_flags_(prometheus::BuildGauge()
                             .Name("tokenclear_stale_index_flags")
                             .Help("Stale-index flags not yet approved")
                             .Register(*registry_)
                             .Add({})),
      database_up_(prometheus::BuildGauge()
                       .Name("tokenclear_database_up")
                       .Help("1 when the last scrape's query of PostgreSQL answered")
                       .Register(*registry_)
                       .Add({})),
      resident_memory_(prometheus::BuildGauge()
                           .Name("tokenclear_process_resident_memory_bytes")
                           .Help("The server's resident set size")
                           .Register(*registry_)
                           .Add({})) {}

std::weak_ptr<prometheus::Collectable> Metrics::collectable() const { return collectable_; }

void Metrics::ObserveRpc(absl::string_view method, grpc::StatusCode code, absl::Duration elapsed) {
  const std::string name(method);
  rpc_requests_.Add({{"method", name}, {"code", CodeName(code)}}).Increment();
  rpc_duration_.Add({{"method", name}}, kRpcBuckets).Observe(absl::ToDoubleSeconds(elapsed));
}

void Metrics::CountTrades(const TradeOutcomeCounts& counts) {
  trades_.Add({{"outcome", "accepted"}}).Increment(static_cast<double>(counts.accepted));
  trades_.Add({{"outcome", "rejected"}}).Increment(static_cast<double>(counts.rejected));
  trades_.Add({{"outcome", "duplicate"}}).Increment(static_cast<double>(counts.duplicate));
}

void Metrics::ObserveBatchCommit(absl::Duration elapsed) {
  batch_commit_.Observe(absl::ToDoubleSeconds(elapsed));
}

void Metrics::ObserveEodStep(absl::string_view step, absl::Duration elapsed, int64_t rows) {
  const std::string name(step);
  eod_step_duration_.Add({{"step", name}}).Set(absl::ToDoubleSeconds(elapsed));
  eod_step_rows_.Add({{"step", name}}).Set(static_cast<double>(rows));
}

void Metrics::ObserveMarginCycle(absl::Duration elapsed) {
  margin_cycle_.Observe(absl::ToDoubleSeconds(elapsed));
}

void Metrics::SetPool(const store::PgPool::Stats& stats) {
  db_connections_.Add({{"state", "in_use"}}).Set(stats.in_use);
  db_connections_.Add({{"state", "idle"}}).Set(stats.idle);
  db_connections_max_.Set(stats.capacity);
  // Counters only go up: add what is new since the last scrape.
  db_acquires_.Increment(static_cast<double>(stats.acquires) - db_acquires_.Value());
  db_acquire_wait_.Increment(absl::ToDoubleSeconds(stats.acquire_wait) - db_acquire_wait_.Value());
}

void Metrics::SetOpenFlags(const store::OpenFlags* flags) {
  database_up_.Set(flags != nullptr ? 1 : 0);
  if (flags == nullptr) return;
  failure_to_pay_flags_.Set(static_cast<double>(flags->failure_to_pay));
  stale_index_flags_.Set(static_cast<double>(flags->stale_index));
}

void Metrics::SetResidentMemory(int64_t bytes) { resident_memory_.Set(static_cast<double>(bytes)); }

void Metrics::AddScrapeHook(std::function<void()> hook) {
  absl::MutexLock lock(&hooks_mutex_);
  hooks_.push_back(std::move(hook));
}

int64_t ResidentMemoryBytes() {
  // statm: size resident shared text lib data dt, in pages.
  std::ifstream statm("/proc/self/statm");
  int64_t size_pages = 0;
  int64_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<int64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace tc::services
