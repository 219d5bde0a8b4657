// Failover test, end to end (issue 11 §2): the real tokenclear_server on a PostgreSQL
// formation of pg_auto_failover (deploy/ha.sh: a monitor, a primary and a synchronous
// standby on one machine, in a temporary folder, on free ports), connected with the
// multi-host URL (target_session_attrs=read-write). The primary is lost twice (ha.sh
// kill-primary: SIGKILL to its keeper and every postgres process, so that nothing
// restarts it) and the standby is promoted by the monitor.
//
//   a. Mid-ingestion: a client thread submits batches of trades (SubmitTrades), retrying
//      UNAVAILABLE and DEADLINE_EXCEEDED with the same trade IDs, and records what was
//      acknowledged; the primary is killed after a few batches. Measured: the time from
//      the kill to the first trade accepted by an attempt sent after it. Checked on the
//      new primary: every acknowledged trade is stored exactly once, nothing else is,
//      each account's net position is what the acknowledged trades imply, open interest
//      long = short; the server's health went NOT_SERVING during the failover and back
//      to SERVING without a restart.
//   b. Mid-end-of-day: the killed node rejoins as the standby (ha.sh start), the day's
//      prices and parameters are approved, and the end-of-day run starts while the test
//      holds margin_requirements in SHARE mode: the run commits its first six steps (the
//      variation margin's journal entries among them) and waits in INITIAL_MARGIN,
//      uncommitted; the primary is killed there. The run is resumed (RunEndOfDay again,
//      retrying UNAVAILABLE/ABORTED) until it completes. Checked: the steps committed
//      before the kill are SKIPPED, every journal entry posted before the kill is on the
//      new primary, each idempotency key once, LedgerService.CheckLedger is ok,
//      ReplayEndOfDay recomputes identical results, variation margin sums to zero, open
//      interest long = short.
//
// The reference data come from the real binaries as in eod_crash_e2etest: clearctl seed
// (deploy/seed/sample.textproto), clearctl load-index, indexsim. The figures are printed
// (failover: ...). Measured on 2 shared cores with deploy/ha.sh's test settings of the
// monitor: see docs/HA.md.
#include <grpcpp/grpcpp.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "store/pg_errors.h"
#include "tests/bearer_call.h"
#include "tests/private_cluster.h"
#include "tests/sample_trades.h"
#include "tests/settlement_desk.h"
#include "tokenclear/v1/index.grpc.pb.h"
#include "tokenclear/v1/ledger.grpc.pb.h"
#include "tokenclear/v1/margin.grpc.pb.h"
#include "tokenclear/v1/trade_capture.grpc.pb.h"
#include "tokenclear/v1/treasury.grpc.pb.h"

namespace tc::testing {
namespace {

namespace pb = ::tokenclear::v1;
using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

constexpr char kAdminToken[] = "failover-admin-token-0001";
// Development tokens of deploy/seed/sample.textproto.
constexpr char kTreasury1[] = "dev-treasury-token-0001";
constexpr char kRisk1[] = "dev-risk-token-0001";
constexpr char kExchange[] = "dev-exchange-token-0001";
constexpr char kIndexProvider[] = "dev-index-provider-token-0001";
constexpr char kDay[] = "2026-12-30";
constexpr int kEodSteps = 11;

constexpr int kBatchTrades = 20;
constexpr int kBatchesBeforeKill = 20;
constexpr int kBatchesAfterFailover = 10;
constexpr absl::Duration kCallDeadline = absl::Seconds(3);
constexpr absl::Duration kRetryPause = absl::Milliseconds(100);
// How long a failover may take before the test gives up on it.
constexpr absl::Duration kFailoverLimit = absl::Seconds(60);

// deploy/ha.sh's formation in a temporary folder on free ports. Destroyed by the
// destructor, or, if the test process is killed, by a detached guardian that waits for
// the process to exit (and kills the server marked for this folder, as PrivatePostgres's
// guardian does).
class HaFormation {
 public:
  HaFormation() = default;
  HaFormation(const HaFormation&) = delete;
  HaFormation& operator=(const HaFormation&) = delete;
  ~HaFormation() {
    if (folder_.empty()) return;
    (void)Run("destroy", absl::Seconds(60));
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
    for (const std::string& path : {log_, folder_ + ".out"}) {
      std::filesystem::remove(path, ignored);
    }
  }

  absl::Status Create() {
    char folder[] = "/tmp/tc_failover_XXXXXX";
    if (mkdtemp(folder) == nullptr) return absl::InternalError("mkdtemp failed");
    folder_ = folder;
    log_ = folder_ + ".log";  // outside the folder, which `destroy` removes
    std::set<int> ports;
    for (int attempt = 0; attempt < 20 && ports.size() < 3; ++attempt) {
      ports.insert(FreeLoopbackPort());
    }
    if (ports.size() < 3) return absl::InternalError("no three free ports");
    auto port = ports.begin();
    env_ = {"/usr/bin/env",
            absl::StrCat("TOKENCLEAR_HA_DIR=", folder_),
            absl::StrCat("TOKENCLEAR_HA_MONITOR_PORT=", *port++),
            absl::StrCat("TOKENCLEAR_HA_PORT1=", *port++),
            absl::StrCat("TOKENCLEAR_HA_PORT2=", *port++),
            "/bin/bash",
            TC_HA_SCRIPT};
    const std::string guardian =
        "pid=$1 dir=$2; shift 2; "
        "while kill -0 \"$pid\" 2>/dev/null; do sleep 1; done; "
        "if [ -f \"$dir/server.pid\" ]; then s=$(cat \"$dir/server.pid\"); "
        "tr '\\0' '\\n' <\"/proc/$s/environ\" 2>/dev/null | grep -qxF \"TC_CRASH_GUARD=$dir\" "
        "&& kill -9 \"$s\"; fi; "
        "if [ -d \"$dir\" ]; then \"$@\" destroy; fi; "
        "rm -rf -- \"$dir\" \"$dir.log\" \"$dir.out\" \"$dir.tools.log\"";
    std::vector<std::string> argv = {
        "/usr/bin/setsid",      "-f",   "/bin/sh", "-c", guardian, "tc_failover_guardian",
        absl::StrCat(getpid()), folder_};
    argv.insert(argv.end(), env_.begin(), env_.end());
    if (absl::Status s = RunCommand(argv, "/dev/null", absl::Seconds(10)); !s.ok()) return s;
    absl::StatusOr<std::string> started = Run("start", absl::Seconds(150));
    if (!started.ok()) return started.status();
    url_ = std::string(absl::StripAsciiWhitespace(*started));
    return absl::OkStatus();
  }

  // `ha.sh <action>`: its standard output (the last line), its standard error in the log.
  absl::StatusOr<std::string> Run(const std::string& action, absl::Duration timeout) const {
    const std::string out = folder_ + ".out";
    std::filesystem::remove(out);
    std::vector<std::string> argv = env_;
    argv.push_back(action);
    // RunCommand sends both streams to one file: the output's last line is the answer.
    absl::Status status = RunCommand(argv, out, timeout);
    std::ifstream file(out);
    std::string text((std::istreambuf_iterator<char>(file)), {});
    std::ofstream(log_, std::ios::app) << "--- ha.sh " << action << "\n" << text;
    if (!status.ok())
      return absl::Status(status.code(), absl::StrCat(status.message(), "\n", text));
    text = std::string(absl::StripTrailingAsciiWhitespace(text));
    return text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
  }

  const std::string& url() const { return url_; }
  const std::string& folder() const { return folder_; }

  // For failure messages: ha.sh's output and the nodes' logs, the end of each.
  std::string Logs() const {
    std::string text;
    for (const std::string& path :
         {log_, folder_ + "/monitor.log", folder_ + "/node1.log", folder_ + "/node2.log"}) {
      std::ifstream file(path);
      std::string part((std::istreambuf_iterator<char>(file)), {});
      if (part.size() > 3000) part = part.substr(part.size() - 3000);
      absl::StrAppend(&text, "--- ", path, "\n", part);
    }
    return text;
  }

 private:
  std::string folder_, log_, url_;
  std::vector<std::string> env_;
};

// The server's overall health (grpc.health.v1), UNKNOWN when it does not answer.
HealthCheckResponse::ServingStatus ServingStatus(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  HealthCheckResponse response;
  if (!stub->Check(&context, HealthCheckRequest(), &response).ok()) {
    return HealthCheckResponse::UNKNOWN;
  }
  return response.status();
}

struct RunResult {
  grpc::Status status;
  std::optional<pb::EodRun> run;  // from the END message
  int skipped = 0;
  std::string steps;  // "1 CLOSE_TRADING DONE, ..." for failure messages
};

// RunEndOfDay of kDay as treasury1, read to its end.
RunResult RunEndOfDay(const std::shared_ptr<grpc::Channel>& channel) {
  RunResult result;
  pb::TreasuryService::Stub stub(channel);
  std::unique_ptr<grpc::ClientContext> context = BearerContext(kTreasury1);
  pb::RunEndOfDayRequest request;
  request.set_business_date(kDay);
  std::unique_ptr<grpc::ClientReader<pb::EodProgress>> reader =
      stub.RunEndOfDay(context.get(), request);
  pb::EodProgress message;
  while (reader->Read(&message)) {
    absl::StrAppend(&result.steps, message.step_no(), " ", message.step(), " ", message.phase(),
                    ", ");
    if (message.phase() == "SKIPPED") ++result.skipped;
    if (message.phase() == "END" && message.has_run()) result.run = message.run();
  }
  result.status = reader->Finish();
  return result;
}

// Open interest per instrument, long and short (they must be equal).
std::map<std::string, std::pair<int64_t, int64_t>> OpenInterest(pqxx::work& tx) {
  std::map<std::string, std::pair<int64_t, int64_t>> interest;
  for (const pqxx::row& r :
       tx.exec("SELECT instrument_id, sum(long_quantity), sum(short_quantity) FROM positions "
               "GROUP BY 1")) {
    interest[r[0].c_str()] = {r[1].as<int64_t>(), r[2].as<int64_t>()};
  }
  return interest;
}

// What the trading client saw.
struct Ingestion {
  absl::Mutex mutex;
  std::set<std::string> acknowledged ABSL_GUARDED_BY(mutex);
  int64_t batches_acknowledged ABSL_GUARDED_BY(mutex) = 0;
  int64_t retries ABSL_GUARDED_BY(mutex) = 0;
  // Successful attempts: when each was sent and when its answer came.
  std::vector<std::pair<absl::Time, absl::Time>> successes ABSL_GUARDED_BY(mutex);
  std::string error ABSL_GUARDED_BY(mutex);
};

class FailoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test_start_ = absl::Now();
    if (getuid() == 0 && getpwnam("postgres") == nullptr) {
      GTEST_SKIP() << "run as root, and there is no postgres user to run PostgreSQL as";
    }
    const absl::Status created = formation_.Create();
    ASSERT_TRUE(created.ok()) << created << "\n" << formation_.Logs();
    formed_ = absl::Now() - test_start_;
    tools_log_ = formation_.folder() + ".tools.log";
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove(tools_log_, ignored);
  }

  void Tool(std::vector<std::string> argv) {
    const absl::Status status = RunCommand(argv, tools_log_, absl::Seconds(120));
    std::ifstream file(tools_log_);
    std::string text((std::istreambuf_iterator<char>(file)), {});
    ASSERT_TRUE(status.ok()) << status << "\n"
                             << text.substr(text.size() > 3000 ? text.size() - 3000 : 0);
  }

  // ha.sh kill-primary; the time it returned (every process of the node is gone by then).
  absl::Time KillPrimary(std::string* node) {
    const absl::Time start = absl::Now();
    absl::StatusOr<std::string> killed = formation_.Run("kill-primary", absl::Seconds(30));
    const absl::Time at = absl::Now();
    std::printf("failover: ha.sh kill-primary took %.0f ms\n",
                absl::ToDoubleMilliseconds(at - start));
    EXPECT_TRUE(killed.ok()) << killed.status() << "\n" << formation_.Logs();
    if (killed.ok()) *node = *killed;
    return at;
  }

  // Submits batches until `stop`, each until it is answered, retrying UNAVAILABLE and
  // DEADLINE_EXCEEDED with the same events (the same trade IDs: the idempotency keys).
  static void SubmitUntil(const std::shared_ptr<grpc::Channel>& channel,
                          const std::atomic<bool>& stop, Ingestion& ingestion) {
    auto stub = pb::TradeCaptureService::NewStub(channel);
    const absl::Time give_up = absl::Now() + absl::Seconds(150);
    for (int64_t first = 0; !stop.load() && absl::Now() < give_up; first += kBatchTrades) {
      pb::SubmitTradesRequest request;
      for (int i = 0; i < kBatchTrades; ++i)
        *request.add_events() = SampleTrade("HA", first + i, kDay);
      pb::SubmitTradesResponse response;
      grpc::Status status;
      absl::Time sent;
      for (bool retry = false;; retry = true) {
        if (retry) {
          absl::MutexLock lock(&ingestion.mutex);
          ++ingestion.retries;
        }
        sent = absl::Now();
        std::unique_ptr<grpc::ClientContext> context = BearerContext(kExchange, kCallDeadline);
        response.Clear();
        status = stub->SubmitTrades(context.get(), request, &response);
        if (!Retryable(status) || absl::Now() > give_up) break;
        absl::SleepFor(kRetryPause);
      }
      const absl::Time answered = absl::Now();
      absl::MutexLock lock(&ingestion.mutex);
      if (!status.ok()) {
        ingestion.error =
            absl::StrCat("SubmitTrades: ", status.error_code(), " ", status.error_message());
        return;
      }
      for (const pb::TradeResult& result : response.results()) {
        if (result.outcome() != pb::TRADE_OUTCOME_ACCEPTED &&
            result.outcome() != pb::TRADE_OUTCOME_ALREADY_ACCEPTED) {
          ingestion.error = absl::StrCat("not accepted: ", result.ShortDebugString());
          return;
        }
        ingestion.acknowledged.insert(result.key());
      }
      ++ingestion.batches_acknowledged;
      ingestion.successes.emplace_back(sent, answered);
    }
  }

  // The day's index observations and fixings, the exchange's price for one month, risk
  // parameters (risk1 calibrates, risk2 approves), settlement prices (treasury1 proposes,
  // treasury2 approves): what the end-of-day run needs, as in eod_crash_e2etest.
  void PrepareEndOfDay(const ServerProcess& server) {
    ASSERT_NO_FATAL_FAILURE(
        Tool({TC_INDEXSIM_BINARY, absl::StrCat("--target=", server.target()),
              absl::StrCat("--token=", kIndexProvider), absl::StrCat("--date=", kDay),
              "--index=TOKFRONT=3.00,TOKOPEN=0.45", "--seed=8", "--drift_bps=15"}));
    ComputeFixings(server.channel(), kDay, {"TOKFRONT", "TOKOPEN"}, kSampleSeedDesk);
    // The test's trades carry no time in the settlement window: the exchange prices both.
    std::vector<ExchangePrice> prices;
    for (const SampleInstrument& listed : kSampleInstruments) {
      prices.push_back({listed.instrument_id, listed.price_micros + 3 * listed.tick_micros});
    }
    CalibrateAndApprove(server.channel(), kDay, kSampleSeedDesk);
    ApproveDayPrices(server.channel(), kDay, prices, kSampleSeedDesk);
    ASSERT_FALSE(HasFailure()) << "the desk work of " << kDay << " failed";
  }

  // On the new primary: every acknowledged trade once and nothing else, each account's
  // net position what the acknowledged trades imply, open interest long = short.
  void CheckTrades(const std::set<std::string>& acknowledged) {
    pqxx::connection connection(formation_.url());
    pqxx::work tx(connection);
    std::vector<std::string> stored;
    for (const pqxx::row& r :
         tx.exec("SELECT trade_id FROM trades WHERE trade_id LIKE 'HA-%' ORDER BY 1")) {
      stored.push_back(r[0].c_str());
    }
    EXPECT_EQ(stored.size(), acknowledged.size());
    EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()), acknowledged)
        << "the stored trades are not the acknowledged ones";
    std::map<std::pair<std::string, std::string>, int64_t> expected, actual;
    for (const std::string& id : acknowledged) {
      int64_t n = 0;
      ASSERT_TRUE(absl::SimpleAtoi(absl::StripPrefix(id, "HA-"), &n)) << id;
      const pb::Trade trade = SampleTrade("HA", n, kDay).trade();
      expected[{trade.buyer_account_id(), trade.instrument_id()}] += trade.quantity();
      expected[{trade.seller_account_id(), trade.instrument_id()}] -= trade.quantity();
    }
    std::erase_if(expected, [](const auto& entry) { return entry.second == 0; });
    for (const pqxx::row& r :
         tx.exec("SELECT account_id, instrument_id, long_quantity - short_quantity FROM positions "
                 "WHERE long_quantity <> short_quantity")) {
      actual[{r[0].c_str(), r[1].c_str()}] = r[2].as<int64_t>();
    }
    EXPECT_EQ(actual, expected) << "net positions differ from the acknowledged trades";
    for (const auto& [instrument, interest] : OpenInterest(tx)) {
      EXPECT_EQ(interest.first, interest.second) << "open interest of " << instrument;
    }
  }

  HaFormation formation_;
  std::string tools_log_;
  absl::Time test_start_;
  absl::Duration formed_;
};

TEST_F(FailoverTest, AcknowledgedTradesAndTheLedgerSurviveTheLossOfThePrimary) {
  // The real server on the multi-host URL, the sample reference data, the index history.
  ServerProcess server(TC_SERVER_BINARY, kAdminToken, formation_.folder());
  const absl::Status started = server.Start(formation_.url());
  ASSERT_TRUE(started.ok()) << started << "\n" << formation_.Logs();
  const std::string target = absl::StrCat("--target=", server.target());
  ASSERT_NO_FATAL_FAILURE(Tool({TC_CLEARCTL_BINARY, target, absl::StrCat("--token=", kAdminToken),
                                "seed", TC_SOURCE_DIR "/deploy/seed/sample.textproto",
                                absl::StrCat("--business_date=", kDay)}));
  ASSERT_NO_FATAL_FAILURE(Tool({TC_CLEARCTL_BINARY, target, absl::StrCat("--token=", kRisk1),
                                "load-index", TC_SOURCE_DIR "/deploy/seed/index_history.csv"}));
  {
    pqxx::connection connection(formation_.url());
    pqxx::nontransaction tx(connection);
    // The formation is what this test is about: writes wait for the synchronous standby.
    EXPECT_EQ(tx.exec1("SHOW synchronous_commit")[0].as<std::string>(), "on");
    EXPECT_NE(tx.exec1("SHOW synchronous_standby_names")[0].as<std::string>(), "");
  }

  // a. Mid-ingestion.
  Ingestion ingestion;
  std::atomic<bool> stop{false};
  std::thread client([&] { SubmitUntil(server.channel(), stop, ingestion); });
  auto batches = [&] {
    absl::MutexLock lock(&ingestion.mutex);
    return ingestion.error.empty() ? ingestion.batches_acknowledged : int64_t{-1};
  };
  for (const absl::Time deadline = absl::Now() + absl::Seconds(60);
       batches() >= 0 && batches() < kBatchesBeforeKill && absl::Now() < deadline;) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  std::string killed_node;
  // Counted once the kill is done: the script takes a few hundred ms, in which the client
  // goes on at the old primary.
  const absl::Time killed_at = KillPrimary(&killed_node);
  const int64_t batches_at_kill = batches();
  bool not_serving_seen = false;
  std::optional<absl::Duration> serving_again;
  std::map<int, int> health_seen;  // status -> polls, for a failure message
  // Until trades are accepted again and health, probed each second, says so too.
  for (const absl::Time deadline = killed_at + kFailoverLimit;
       batches() >= 0 &&
       (batches() < batches_at_kill + kBatchesAfterFailover || !serving_again.has_value()) &&
       absl::Now() < deadline;) {
    const HealthCheckResponse::ServingStatus health = ServingStatus(server.channel());
    ++health_seen[health];
    if (health == HealthCheckResponse::NOT_SERVING) not_serving_seen = true;
    if (health == HealthCheckResponse::SERVING && not_serving_seen && !serving_again) {
      serving_again = absl::Now() - killed_at;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  stop = true;
  client.join();
  std::set<std::string> acknowledged;
  int64_t retries = 0;
  std::optional<absl::Duration> first_accepted;
  {
    absl::MutexLock lock(&ingestion.mutex);
    ASSERT_TRUE(ingestion.error.empty()) << ingestion.error << "\n" << server.Log();
    ASSERT_GE(batches_at_kill, kBatchesBeforeKill) << "too few batches before the kill";
    ASSERT_GE(ingestion.batches_acknowledged, batches_at_kill + kBatchesAfterFailover)
        << "trades were not accepted again within " << kFailoverLimit << "\n"
        << server.Log() << "\n"
        << formation_.Logs();
    for (const auto& [sent, answered] : ingestion.successes) {
      if (sent > killed_at) {
        first_accepted = answered - killed_at;
        break;
      }
    }
    acknowledged = ingestion.acknowledged;
    retries = ingestion.retries;
  }
  ASSERT_TRUE(first_accepted.has_value());
  EXPECT_GT(retries, 0) << "no call failed: the kill did not land mid-ingestion";
  EXPECT_TRUE(not_serving_seen) << "health stayed SERVING without a database: "
                                << absl::StrJoin(health_seen, ", ", absl::PairFormatter("x"));
  EXPECT_TRUE(serving_again.has_value()) << "health did not come back to SERVING";
  ASSERT_NO_FATAL_FAILURE(CheckTrades(acknowledged));

  // b. Mid-end-of-day, once the killed node has rejoined as the standby.
  const absl::Time rejoin_start = absl::Now();
  absl::StatusOr<std::string> rejoined = formation_.Run("start", absl::Seconds(120));
  ASSERT_TRUE(rejoined.ok()) << rejoined.status() << "\n" << formation_.Logs();
  const absl::Duration rejoin_time = absl::Now() - rejoin_start;
  ASSERT_NO_FATAL_FAILURE(PrepareEndOfDay(server));
  RunResult interrupted;
  int steps_at_kill = -1;
  std::string waiting;
  std::set<std::string> posted_before_kill;  // journal entries' idempotency keys
  std::string killed_in_eod;
  absl::Time eod_killed_at;
  {
    // The run commits its first steps, the ledger postings among them, and waits,
    // uncommitted, at its first margin requirement (INITIAL_MARGIN).
    pqxx::connection locker(formation_.url()), monitor(formation_.url());
    pqxx::work hold(locker);
    hold.exec0("LOCK TABLE margin_requirements IN SHARE MODE");
    std::thread run([&] { interrupted = RunEndOfDay(server.channel()); });
    for (const absl::Time deadline = absl::Now() + absl::Seconds(20);
         waiting.empty() && absl::Now() < deadline; absl::SleepFor(absl::Milliseconds(5))) {
      pqxx::nontransaction query(monitor);
      pqxx::result r = query.exec_params(
          "SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 60) FROM pg_stat_activity "
          "WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> $1",
          locker.backendpid());
      if (!r.empty()) waiting = r[0][0].c_str();
    }
    EXPECT_FALSE(waiting.empty()) << "the run never reached its margin requirements";
    pqxx::nontransaction committed(monitor);
    steps_at_kill =
        committed.exec_params1("SELECT steps_done FROM eod_runs WHERE business_date = $1", kDay)[0]
            .as<int>();
    for (const pqxx::row& r : committed.exec("SELECT idempotency_key FROM journal_entries")) {
      posted_before_kill.insert(r[0].c_str());
    }
    eod_killed_at = KillPrimary(&killed_in_eod);
    run.join();
  }
  EXPECT_FALSE(interrupted.status.ok()) << "the interrupted run answered OK: " << interrupted.steps;
  EXPECT_GE(steps_at_kill, 5) << "the kill did not land after the ledger postings";
  EXPECT_LT(steps_at_kill, kEodSteps) << "the kill did not land mid-run";
  EXPECT_FALSE(posted_before_kill.empty()) << "nothing was posted before the kill";
  EXPECT_NE(killed_in_eod, killed_node) << "the same node was killed twice";
  RunResult resumed;
  int attempts = 0;
  for (const absl::Time deadline = eod_killed_at + kFailoverLimit; absl::Now() < deadline;) {
    ++attempts;
    resumed = RunEndOfDay(server.channel());
    const grpc::StatusCode code = resumed.status.error_code();
    if (code != grpc::StatusCode::UNAVAILABLE && code != grpc::StatusCode::ABORTED &&
        code != grpc::StatusCode::DEADLINE_EXCEEDED) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(250));
  }
  const absl::Duration resumed_after = absl::Now() - eod_killed_at;
  ASSERT_TRUE(resumed.status.ok())
      << resumed.status.error_message() << ": " << resumed.steps << "\n"
      << server.Log() << "\n"
      << formation_.Logs();
  ASSERT_TRUE(resumed.run.has_value()) << resumed.steps;
  EXPECT_EQ(resumed.run->status(), pb::EOD_RUN_STATUS_COMPLETE) << resumed.steps;
  EXPECT_EQ(resumed.run->steps_done(), kEodSteps);
  EXPECT_GE(resumed.skipped, steps_at_kill) << "committed steps ran again: " << resumed.steps;

  pb::CheckLedgerResponse check;
  grpc::Status s = CallAs(server.channel(), &pb::LedgerService::Stub::CheckLedger, kTreasury1,
                          pb::CheckLedgerRequest(), &check);
  ASSERT_TRUE(s.ok()) << "CheckLedger: " << s.error_message();
  EXPECT_TRUE(check.ok()) << check.ShortDebugString();
  EXPECT_GT(check.entries(), 0);
  pb::ReplayEndOfDayRequest replay;
  replay.set_business_date(kDay);
  pb::ReplayEndOfDayResponse replayed;
  s = CallAs(server.channel(), &pb::TreasuryService::Stub::ReplayEndOfDay, kTreasury1, replay,
             &replayed);
  ASSERT_TRUE(s.ok()) << "ReplayEndOfDay: " << s.error_message();
  EXPECT_TRUE(replayed.identical()) << replayed.ShortDebugString();
  {
    pqxx::connection connection(formation_.url());
    pqxx::work tx(connection);
    const pqxx::row entries =
        tx.exec1("SELECT count(*), count(DISTINCT idempotency_key) FROM journal_entries");
    EXPECT_GT(entries[0].as<int64_t>(), 0);
    EXPECT_EQ(entries[0].as<int64_t>(), entries[1].as<int64_t>()) << "a key posted twice";
    std::set<std::string> posted;
    for (const pqxx::row& r : tx.exec("SELECT idempotency_key FROM journal_entries")) {
      posted.insert(r[0].c_str());
    }
    for (const std::string& key : posted_before_kill) {
      EXPECT_TRUE(posted.contains(key)) << key << " was posted before the kill and is lost";
    }
    const pqxx::row vm = tx.exec_params1(
        "SELECT (SELECT count(DISTINCT trade_id) FROM vm_trade_marks WHERE business_date = $1), "
        "(SELECT coalesce(sum(amount_micros), 0) FROM vm_trade_marks WHERE business_date = $1) + "
        "(SELECT coalesce(sum(amount_micros), 0) FROM vm_position_marks "
        " WHERE business_date = $1), "
        "(SELECT coalesce(sum(amount_micros), 0) FROM vm_origin_totals WHERE business_date = $1)",
        kDay);
    EXPECT_EQ(vm[0].as<int64_t>(), static_cast<int64_t>(acknowledged.size()))
        << "every trade of the day is marked";
    EXPECT_EQ(vm[1].as<int64_t>(), 0) << "variation margin of the marks";
    EXPECT_EQ(vm[2].as<int64_t>(), 0) << "variation margin of the member origins";
    for (const auto& [instrument, interest] : OpenInterest(tx)) {
      EXPECT_EQ(interest.first, interest.second) << "open interest of " << instrument;
    }
  }
  EXPECT_EQ(server.Stop(), 0) << server.Log();

  std::printf(
      "failover: formation (monitor, primary, synchronous standby) up in %.1f s\n"
      "failover: ingestion: %zu trades acknowledged in batches of %d, %s killed after %lld "
      "batches, %lld retried calls; first accepted trade %.1f s after the kill; health "
      "NOT_SERVING meanwhile, SERVING again %.1f s after the kill\n"
      "failover: %s rejoined as the standby in %.1f s\n"
      "failover: end of day: %s killed with %d step(s) committed (%zu journal entries), the "
      "server waiting on: %s; "
      "the resumed run complete %.1f s after the kill (%d attempt(s), %d step(s) SKIPPED)\n"
      "failover: total %.1f s\n",
      absl::ToDoubleSeconds(formed_), acknowledged.size(), kBatchTrades, killed_node.c_str(),
      static_cast<long long>(batches_at_kill), static_cast<long long>(retries),
      absl::ToDoubleSeconds(*first_accepted),
      serving_again ? absl::ToDoubleSeconds(*serving_again) : -1.0, killed_node.c_str(),
      absl::ToDoubleSeconds(rejoin_time), killed_in_eod.c_str(), steps_at_kill,
      posted_before_kill.size(), waiting.c_str(), absl::ToDoubleSeconds(resumed_after), attempts,
      resumed.skipped, absl::ToDoubleSeconds(absl::Now() - test_start_));
  std::fflush(stdout);
}

// What the pool and the RPC layer rely on during a failover (store/pg_errors.h): a lost
// or read-only server is UNAVAILABLE and retryable, and drops the pool's idle connections.
TEST(FailoverErrorsTest, ALostOrReadOnlyServerIsUnavailableAndRetryable) {
  for (const char* state : {"25006", "57P01", "57P02", "57P03", "08006", "08001"}) {
    const pqxx::sql_error error("the server said no", "INSERT ...", state);
    EXPECT_EQ(store::StatusFromException(error).code(), absl::StatusCode::kUnavailable) << state;
    EXPECT_TRUE(store::IsRetryable(error, false)) << state;
    EXPECT_TRUE(store::IsServerLost(error)) << state;
  }
  const pqxx::broken_connection lost("server closed the connection unexpectedly");
  EXPECT_EQ(store::StatusFromException(lost).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(store::IsServerLost(lost));
  // Not a lost server: a statement timeout, a constraint, a serialization failure.
  const pqxx::sql_error timeout("canceling statement", "SELECT ...", "57014");
  EXPECT_EQ(store::StatusFromException(timeout).code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(store::IsServerLost(timeout));
  const pqxx::sql_error unique("duplicate key", "INSERT ...", "23505");
  EXPECT_FALSE(store::IsServerLost(unique));
  EXPECT_FALSE(store::IsRetryable(unique, false));
  const pqxx::sql_error serialization("could not serialize", "UPDATE ...", "40001");
  EXPECT_FALSE(store::IsServerLost(serialization));
  EXPECT_TRUE(store::IsRetryable(serialization, false));
}

}  // namespace
}  // namespace tc::testing
