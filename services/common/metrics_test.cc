#include "services/common/metrics.h"

#include <prometheus/text_serializer.h>

#include <string>

#include "gtest/gtest.h"

namespace tc::services {
namespace {

// The text a scrape would get.
std::string Exposition(const Metrics& metrics) {
  std::shared_ptr<prometheus::Collectable> collectable = metrics.collectable().lock();
  return prometheus::TextSerializer().Serialize(collectable->Collect());
}

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(MetricsTest, CountsCallsByMethodAndCode) {
  Metrics metrics;
  metrics.ObserveRpc("GetPositions", grpc::StatusCode::OK, absl::Milliseconds(2));
  metrics.ObserveRpc("GetPositions", grpc::StatusCode::OK, absl::Milliseconds(30));
  metrics.ObserveRpc("GetPositions", grpc::StatusCode::PERMISSION_DENIED, absl::Milliseconds(1));
  const std::string text = Exposition(metrics);
  EXPECT_TRUE(Has(text, "tokenclear_rpc_requests_total{code=\"OK\",method=\"GetPositions\"} 2"))
      << text;
  EXPECT_TRUE(Has(
      text, "tokenclear_rpc_requests_total{code=\"PERMISSION_DENIED\",method=\"GetPositions\"} 1"));
  EXPECT_TRUE(Has(text, "tokenclear_rpc_duration_seconds_count{method=\"GetPositions\"} 3"));
  // 1 ms and 2 ms fall in the 2.5 ms bucket; 30 ms does not.
  EXPECT_TRUE(
      Has(text, "tokenclear_rpc_duration_seconds_bucket{method=\"GetPositions\",le=\"0.0025\"} 2"));
}

TEST(MetricsTest, TradesEodStepsAndCycles) {
  Metrics metrics;
  metrics.CountTrades({.accepted = 40, .rejected = 2, .duplicate = 8});
  metrics.CountTrades({.accepted = 10, .rejected = 0, .duplicate = 0});
  metrics.ObserveBatchCommit(absl::Milliseconds(4));
  metrics.ObserveEodStep("VARIATION_MARGIN", absl::Milliseconds(1500), 1200);
  metrics.ObserveMarginCycle(absl::Seconds(2));
  const std::string text = Exposition(metrics);
  EXPECT_TRUE(Has(text, "tokenclear_trades_total{outcome=\"accepted\"} 50")) << text;
  EXPECT_TRUE(Has(text, "tokenclear_trades_total{outcome=\"rejected\"} 2"));
  EXPECT_TRUE(Has(text, "tokenclear_trades_total{outcome=\"duplicate\"} 8"));
  EXPECT_TRUE(Has(text, "tokenclear_trade_batch_commit_seconds_count 1"));
  EXPECT_TRUE(Has(text, "tokenclear_eod_step_duration_seconds{step=\"VARIATION_MARGIN\"} 1.5"));
  EXPECT_TRUE(Has(text, "tokenclear_eod_step_rows{step=\"VARIATION_MARGIN\"} 1200"));
  EXPECT_TRUE(Has(text, "tokenclear_margin_cycle_duration_seconds_sum 2"));
}

TEST(MetricsTest, ScrapeHooksSetGaugesAndCountersOnlyGrow) {
  Metrics metrics;
  store::PgPool::Stats stats{.in_use = 3,
                             .idle = 2,
                             .capacity = 8,
                             .acquires = 100,
                             .acquire_wait = absl::Milliseconds(250)};
  store::OpenFlags flags{.failure_to_pay = 1, .stale_index = 0};
  bool database_answers = true;
  metrics.AddScrapeHook([&] { metrics.SetPool(stats); });
  metrics.AddScrapeHook([&] { metrics.SetOpenFlags(database_answers ? &flags : nullptr); });
  std::string text = Exposition(metrics);
  EXPECT_TRUE(Has(text, "tokenclear_db_connections{state=\"in_use\"} 3")) << text;
  EXPECT_TRUE(Has(text, "tokenclear_db_connections{state=\"idle\"} 2"));
  EXPECT_TRUE(Has(text, "tokenclear_db_connections_max 8"));
  EXPECT_TRUE(Has(text, "tokenclear_db_acquires_total 100"));
  EXPECT_TRUE(Has(text, "tokenclear_db_acquire_wait_seconds_total 0.25"));
  EXPECT_TRUE(Has(text, "tokenclear_failure_to_pay_flags 1"));
  EXPECT_TRUE(Has(text, "tokenclear_database_up 1"));

  // The next scrape: the pool's totals grew; the database stopped answering, so the flag
  // gauges keep their last values and database_up says so.
  stats.acquires = 160;
  stats.acquire_wait = absl::Milliseconds(500);
  flags.failure_to_pay = 0;
  database_answers = false;
  text = Exposition(metrics);
  EXPECT_TRUE(Has(text, "tokenclear_db_acquires_total 160")) << text;
  EXPECT_TRUE(Has(text, "tokenclear_db_acquire_wait_seconds_total 0.5"));
  EXPECT_TRUE(Has(text, "tokenclear_failure_to_pay_flags 1"));
  EXPECT_TRUE(Has(text, "tokenclear_database_up 0"));
}

TEST(MetricsTest, ResidentMemoryIsRead) {
  EXPECT_GT(ResidentMemoryBytes(), 1 << 20);  // a test binary is more than 1 MiB resident
}

}  // namespace
}  // namespace tc::services
