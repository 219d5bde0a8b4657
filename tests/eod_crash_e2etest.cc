// Crash test of the end-of-day run, end to end (issue 8 §8): the real tokenclear_server is
// killed with SIGKILL between every pair of end-of-day steps and inside the long ones, and
// PostgreSQL is stopped with `pg_ctl stop -m immediate` in the middle of a step; each time
// the run is resumed (RunEndOfDay again, on a restarted server) and its results and ledger
// must equal, row for row, those of an uninterrupted run of the same state.
//
// The state: a private PostgreSQL cluster (tests/private_cluster.h) with one template
// database prepared once through the public API of the real binaries: the sample reference
// data (clearctl seed), the index history (clearctl load-index, MarginService.
// LoadIndexValues), then two business days, 2026-12-30 and 2026-12-31 (when the December
// months expire), each with a few hundred trades, cancels and corrections (tradesim,
// TradeCaptureService), index observations in the settlement window (indexsim) and the
// day's fixings (ComputeFixing), the exchange's price for one month, settlement prices
// proposed by treasury1 and approved by treasury2, and risk parameters calibrated by risk1
// and approved by risk2. The first day is settled in the template; the second is the day
// every scenario settles, on its own copy (CREATE DATABASE ... TEMPLATE).
//
// Where a fault lands is made exact with locks of the test's own. From the stream's first
// message the test lets the run on one transaction at a time by taking eod_runs in
// EXCLUSIVE mode (every step begins by locking the run's row FOR UPDATE), until the steps
// before the fault point are committed and reported DONE and the next step waits. "Between steps k
// and k+1" (k = 1..11; after 11, the run's completion waits) kills the server there. "Inside step
// X" (FREEZE_POSITIONS, MARK_TO_MARKET, LEDGER_POSTINGS) holds eod_steps in SHARE mode and lets X
// go: it does all its work and blocks at the insert of its record, uncommitted, and the server is
// killed, or PostgreSQL stopped with -m immediate (then started again; the server survives it and
// resumes). The server's backend is seen waiting on the test's lock (pg_stat_activity) before every
// fault.
//
// Compared with the uninterrupted run, with SQL: eod_positions, vm_position_marks,
// vm_trade_marks, vm_origin_totals, vm_rounding, journal_entries (by idempotency key, not
// entry id: a rolled-back sequence can move), journal_lines (by their entry's key),
// ledger_accounts, ledger_balances, margin_requirements, margin_origin_requirements,
// eod_steps, eod_runs, settlement_price_sets, positions, instruments.status and
// business_days.status; timestamps are left out. LedgerService.CheckLedger is ok and
// ReplayEndOfDay identical after every resumed run; re-running the finished date changes
// nothing, timestamps included. Figures (the uninterrupted run's time, per step, and where
// each fault landed) are printed. Measured on 2 shared cores: the template in 2-3 s (295
// trades on the settled day, 19 of them cancelled or corrected), the uninterrupted run
// in 100-160 ms over gRPC (the longest steps INITIAL_MARGIN ~30-50 ms, MARK_TO_MARKET and
// LEDGER_POSTINGS ~15-25 ms), ~3,900 rows compared per run, the whole test ~10 s.
// TOKENCLEAR_EOD_CRASH_ONLY=<part of a scenario name> runs only the matching scenarios. A
// second test kills the server between a payment export and its confirmation, and inside
// the confirmation's posting: every payment is posted once (see its comment).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
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
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "payments/camt054_writer.h"
#include "payments/pain_reader.h"
#include "tests/bearer_call.h"
#include "tests/private_cluster.h"
#include "tests/settlement_desk.h"
#include "tokenclear/v1/cash.grpc.pb.h"
#include "tokenclear/v1/index.grpc.pb.h"
#include "tokenclear/v1/ledger.grpc.pb.h"
#include "tokenclear/v1/margin.grpc.pb.h"
#include "tokenclear/v1/treasury.grpc.pb.h"
#include "tools/banksim/bank_booking.h"

namespace tc::testing {
namespace {

namespace pb = ::tokenclear::v1;

constexpr char kAdminToken[] = "eodcrash-admin-token-0001";
// Development tokens of deploy/seed/sample.textproto.
constexpr char kTreasury1[] = "dev-treasury-token-0001";
constexpr char kRisk1[] = "dev-risk-token-0001";
constexpr char kExchange[] = "dev-exchange-token-0001";
constexpr char kIndexProvider[] = "dev-index-provider-token-0001";
constexpr char kDay1[] = "2026-12-30";
constexpr char kDay2[] = "2026-12-31";  // the day every scenario settles
constexpr char kTemplate[] = "eod_template";
constexpr int kSteps = 11;
constexpr int64_t kEventsPerDay = 300;
constexpr absl::Duration kBudget = absl::Seconds(170);

const char* const kStepNames[kSteps + 1] = {"",
                                            "CLOSE_TRADING",
                                            "LOCK_PRICES",
                                            "FREEZE_POSITIONS",
                                            "MARK_TO_MARKET",
                                            "LEDGER_POSTINGS",
                                            "EXPIRY",
                                            "INITIAL_MARGIN",
                                            "COLLATERAL_VALUATION",
                                            "OBLIGATIONS",
                                            "REPORTS_READY",
                                            "OPEN_NEXT_DAY"};

// ---- What a run wrote, as comparable text ----

// Table name -> its rows as JSON text, sorted.
using Dump = std::map<std::string, std::vector<std::string>>;

// A row of `table` as JSON without its timestamp columns and `extra` columns.
std::string WithoutTimestamps(const std::string& table, const std::string& alias,
                              const std::string& extra = "") {
  return absl::StrCat("(to_jsonb(", alias,
                      ") - (SELECT coalesce(array_agg(column_name::text), '{}'::text[]) FROM "
                      "information_schema.columns WHERE table_schema = 'public' AND table_name = '",
                      table, "' AND data_type LIKE 'timestamp%')", extra.empty() ? "" : " - ",
                      extra, ")");
}

// The result tables of the end-of-day run. `strict`: whole rows, timestamps and entry ids
// included (for a re-run that must change nothing at all).
Dump DumpResults(const std::string& url, bool strict) {
  std::vector<std::pair<std::string, std::string>> queries;
  for (const char* table :
       {"eod_positions", "vm_position_marks", "vm_trade_marks", "vm_origin_totals", "vm_rounding",
        "ledger_accounts", "margin_requirements", "margin_origin_requirements", "eod_steps",
        "eod_runs", "positions", "settlement_prices", "collateral_valuations", "obligations"}) {
    queries.emplace_back(
        table, absl::StrCat("SELECT ", strict ? "to_jsonb(t)" : WithoutTimestamps(table, "t"),
                            "::text FROM ", table, " t"));
  }
  if (strict) {
    for (const char* table : {"journal_entries", "journal_lines", "ledger_balances",
                              "settlement_price_sets", "instruments", "business_days"}) {
      queries.emplace_back(table, absl::StrCat("SELECT to_jsonb(t)::text FROM ", table, " t"));
    }
  } else {
    // Entries by idempotency key; a line and a balance by their entry's key.
    queries.emplace_back(
        "journal_entries",
        absl::StrCat("SELECT (",
                     WithoutTimestamps("journal_entries", "e",
                                       "ARRAY['entry_id', 'reverses_entry_id']::text[]"),
                     " || jsonb_build_object('reverses', r.idempotency_key))::text "
                     "FROM journal_entries e LEFT JOIN journal_entries r "
                     "ON r.entry_id = e.reverses_entry_id"));
    queries.emplace_back(
        "journal_lines",
        "SELECT ((to_jsonb(l) - 'entry_id') || jsonb_build_object('entry', e.idempotency_key))"
        "::text FROM journal_lines l JOIN journal_entries e USING (entry_id)");
    queries.emplace_back(
        "ledger_balances",
        "SELECT ((to_jsonb(b) - 'last_entry_id') || jsonb_build_object('last_entry', "
        "e.idempotency_key))::text FROM ledger_balances b LEFT JOIN journal_entries e "
        "ON e.entry_id = b.last_entry_id");
    queries.emplace_back("settlement_price_sets",
                         "SELECT concat_ws(' ', business_date, version, status, proposed_by, "
                         "approved_by) FROM settlement_price_sets");
    queries.emplace_back("instruments",
                         "SELECT concat_ws(' ', instrument_id, status) FROM instruments");
    queries.emplace_back("business_days",
                         "SELECT concat_ws(' ', business_date, status) FROM business_days");
  }
  Dump dump;
  pqxx::connection connection(url);
  pqxx::transaction<pqxx::isolation_level::repeatable_read> tx(connection);
  for (const auto& [table, query] : queries) {
    std::vector<std::string>& rows = dump[table];
    for (const pqxx::row& r : tx.exec(absl::StrCat(query, " ORDER BY 1"))) {
      rows.push_back(r[0].c_str());
    }
  }
  return dump;
}

// Every difference of `actual` from `expected`, table by table: a few rows each way.
std::string Differences(const Dump& expected, const Dump& actual) {
  std::string text;
  for (const auto& [table, rows] : expected) {
    const std::vector<std::string>& other = actual.at(table);
    if (rows == other) continue;
    std::vector<std::string> missing, extra;
    std::set_difference(rows.begin(), rows.end(), other.begin(), other.end(),
                        std::back_inserter(missing));
    std::set_difference(other.begin(), other.end(), rows.begin(), rows.end(),
                        std::back_inserter(extra));
    absl::StrAppend(&text, "\n  ", table, ": ", rows.size(), " rows expected, ", other.size(),
                    " found; ", missing.size(), " missing, ", extra.size(), " unexpected");
    for (size_t i = 0; i < std::min<size_t>(missing.size(), 3); ++i) {
      absl::StrAppend(&text, "\n    missing:    ", missing[i].substr(0, 400));
    }
    for (size_t i = 0; i < std::min<size_t>(extra.size(), 3); ++i) {
      absl::StrAppend(&text, "\n    unexpected: ", extra[i].substr(0, 400));
    }
  }
  return text;
}

int64_t RowCount(const Dump& dump) {
  int64_t rows = 0;
  for (const auto& [table, list] : dump) rows += static_cast<int64_t>(list.size());
  return rows;
}

// ---- The end-of-day run through its stream ----

struct RunResult {
  grpc::Status status;
  std::vector<pb::EodProgress> messages;
  std::optional<pb::EodRun> run;  // from the END message
  absl::Duration elapsed;
  int skipped = 0;
};

// RunEndOfDay of `day` as treasury1, read to its end. `on_message` may inject a fault; the
// stream is read on to its end afterwards either way.
RunResult RunEndOfDay(const std::shared_ptr<grpc::Channel>& channel, const std::string& day,
                      const std::function<void(const pb::EodProgress&)>& on_message = nullptr) {
  RunResult result;
  pb::TreasuryService::Stub stub(channel);
  std::unique_ptr<grpc::ClientContext> context = BearerContext(kTreasury1);
  pb::RunEndOfDayRequest request;
  request.set_business_date(day);
  const absl::Time start = absl::Now();
  std::unique_ptr<grpc::ClientReader<pb::EodProgress>> reader =
      stub.RunEndOfDay(context.get(), request);
  pb::EodProgress message;
  while (reader->Read(&message)) {
    result.messages.push_back(message);
    if (message.phase() == "SKIPPED") ++result.skipped;
    if (message.phase() == "END" && message.has_run()) result.run = message.run();
    if (on_message) on_message(message);
  }
  result.status = reader->Finish();
  result.elapsed = absl::Now() - start;
  return result;
}

// A resume: RunEndOfDay until it answers, retrying what a restarting server or database
// (UNAVAILABLE) or a killed server's lock not yet released (ABORTED) answers.
RunResult ResumeEndOfDay(const std::shared_ptr<grpc::Channel>& channel, const std::string& day,
                         int* attempts) {
  RunResult result;
  for (*attempts = 1; *attempts <= 40; ++*attempts) {
    result = RunEndOfDay(channel, day);
    const grpc::StatusCode code = result.status.error_code();
    if (code != grpc::StatusCode::UNAVAILABLE && code != grpc::StatusCode::ABORTED) break;
    absl::SleepFor(absl::Milliseconds(250));
  }
  return result;
}

std::string Describe(const RunResult& r) {
  std::string text = absl::StrCat("status ", r.status.error_code(), " ", r.status.error_message());
  for (const pb::EodProgress& m : r.messages) {
    absl::StrAppend(&text, "\n  ", m.step_no(), " ", m.step(), " ", m.phase());
  }
  if (r.run) absl::StrAppend(&text, "\n  run: ", r.run->ShortDebugString());
  return text;
}

// ---- Faults ----

enum class Fault { kKillBetween, kKillInside, kStopPostgresInside };

struct Scenario {
  std::string name;
  int step = 0;  // kill between: after this step; inside: in this step
  Fault fault = Fault::kKillBetween;
};

// Where a fault landed, for the report.
struct Landing {
  std::string scenario;
  int steps_done = -1;         // committed when the fault hit
  std::string server_waiting;  // the server's statement blocked on the test's lock
  int resume_attempts = 0;
  int skipped = 0;               // steps the resume reported done before
  bool server_survived = false;  // PostgreSQL stops only
  bool done_seen = false;        // the stream reported DONE of the last committed step
  absl::Duration resume_time;
};

class EodCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test_start_ = absl::Now();
    const absl::Status created = postgres_.Create(kTemplate);
    ASSERT_TRUE(created.ok()) << created << "\n" << postgres_.Logs();
    tools_log_ = postgres_.folder() + "/tools.log";
  }

  std::string Url(const std::string& database) const { return postgres_.Url(database); }

  void Tool(std::vector<std::string> argv) {
    const absl::Status status = RunCommand(argv, tools_log_, absl::Seconds(120));
    ASSERT_TRUE(status.ok()) << status << "\n" << ToolsLog();
  }

  std::string ToolsLog() const {
    std::ifstream file(tools_log_);
    std::string text((std::istreambuf_iterator<char>(file)), {});
    return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
  }

  // The trading day `day` (number `n`) up to approved prices and parameters.
  void PrepareDay(ServerProcess& server, const std::string& day, int n) {
    const std::string target = absl::StrCat("--target=", server.target());
    ASSERT_NO_FATAL_FAILURE(Tool(
        {TC_TRADESIM_BINARY, target, absl::StrCat("--token=", kExchange),
         absl::StrCat("--events=", kEventsPerDay), "--feeds=1", "--mode=stream", "--batch_size=100",
         absl::StrCat("--feed_id=EODCRASH", n), absl::StrCat("--seed=", 20261228 + 100 * n),
         "--session_start_minute=935", "--start_price=TKF=3.000,TKO=0.450",
         "--cancels_per_mille=40", "--corrections_per_mille=40"}));
    ASSERT_NO_FATAL_FAILURE(
        Tool({TC_INDEXSIM_BINARY, target, absl::StrCat("--token=", kIndexProvider),
              absl::StrCat("--date=", day), "--index=TOKFRONT=3.00,TOKOPEN=0.45",
              absl::StrCat("--seed=", 7 + n), absl::StrCat("--drift_bps=", 15 * n)}));
    ComputeFixings(server.channel(), day, {"TOKFRONT", "TOKOPEN"}, kSampleSeedDesk);
    CalibrateAndApprove(server.channel(), day, kSampleSeedDesk);
    prices_per_day_ += ApproveDayPrices(server.channel(), day,
                                        {{"TKO-202703", 450'000 + 1'000 * n}}, kSampleSeedDesk);
    ASSERT_FALSE(HasFailure()) << "the desk work of " << day << " failed";
  }

  // The template: reference data, index history, day 1 settled, day 2 ready to settle.
  void PrepareTemplate() {
    ServerProcess server(TC_SERVER_BINARY, kAdminToken, postgres_.folder());
    const absl::Status started = server.Start(Url(kTemplate));
    ASSERT_TRUE(started.ok()) << started;
    const std::string target = absl::StrCat("--target=", server.target());
    ASSERT_NO_FATAL_FAILURE(Tool({TC_CLEARCTL_BINARY, target, absl::StrCat("--token=", kAdminToken),
                                  "seed", TC_SOURCE_DIR "/deploy/seed/sample.textproto",
                                  absl::StrCat("--business_date=", kDay1)}));
    ASSERT_NO_FATAL_FAILURE(Tool({TC_CLEARCTL_BINARY, target, absl::StrCat("--token=", kRisk1),
                                  "load-index", TC_SOURCE_DIR "/deploy/seed/index_history.csv"}));
    ASSERT_NO_FATAL_FAILURE(PrepareDay(server, kDay1, 1));
    const RunResult day1 = RunEndOfDay(server.channel(), kDay1);
    ASSERT_TRUE(day1.status.ok() && day1.run && day1.run->status() == pb::EOD_RUN_STATUS_COMPLETE)
        << Describe(day1) << "\n"
        << server.Log();
    ASSERT_EQ(day1.run->next_business_date(), kDay2);
    ASSERT_NO_FATAL_FAILURE(PrepareDay(server, kDay2, 2));
    ASSERT_EQ(server.Stop(), 0) << server.Log();  // no connection to the template is left
    pqxx::connection connection(Url(kTemplate));
    pqxx::work tx(connection);
    trades_ =
        tx.exec1("SELECT count(*) FROM trades WHERE trade_date = '2026-12-31'")[0].as<int64_t>();
    cancels_ = tx.exec1(
                     "SELECT count(*) FROM trade_cancellations c JOIN trades t USING "
                     "(trade_id) WHERE t.trade_date = '2026-12-31'")[0]
                   .as<int64_t>();
  }

  // A fresh copy of the template. STRATEGY FILE_COPY (checkpoints around a file copy), not
  // PostgreSQL 15's default WAL_LOG: WAL_LOG logs each sequence page as it stands, with
  // values fetched ahead but not logged (log_cnt > 0), and a fresh page LSN, so that nextval
  // in the copy writes no WAL until those run out; after `pg_ctl stop -m immediate` the
  // recovery replays that page and the sequence goes back, handing out ids that committed
  // rows hold (audit_log_pkey violations at the resume). A copy artefact of this test,
  // not of the product.
  std::string CopyTemplate(const std::string& name) {
    pqxx::connection connection(Url("postgres"));
    pqxx::nontransaction(connection)
        .exec0(
            absl::StrCat("CREATE DATABASE ", name, " TEMPLATE ", kTemplate, " STRATEGY FILE_COPY"));
    return Url(name);
  }

  void DropCopy(const std::string& name) {
    pqxx::connection connection(Url("postgres"));
    pqxx::nontransaction(connection).exec0(absl::StrCat("DROP DATABASE ", name, " WITH (FORCE)"));
  }

  // After a finished run: the ledger checks out and a replay is identical.
  void CheckLedgerAndReplay(const std::shared_ptr<grpc::Channel>& channel,
                            const std::string& what) {
    pb::CheckLedgerResponse check;
    grpc::Status s = CallAs(channel, &pb::LedgerService::Stub::CheckLedger, kTreasury1,
                            pb::CheckLedgerRequest(), &check);
    ASSERT_TRUE(s.ok()) << what << " CheckLedger: " << s.error_message();
    EXPECT_TRUE(check.ok()) << what << ": " << check.ShortDebugString();
    EXPECT_GT(check.entries(), 0) << what;
    pb::ReplayEndOfDayRequest replay;
    replay.set_business_date(kDay2);
    pb::ReplayEndOfDayResponse replayed;
    s = CallAs(channel, &pb::TreasuryService::Stub::ReplayEndOfDay, kTreasury1, replay, &replayed);
    ASSERT_TRUE(s.ok()) << what << " ReplayEndOfDay: " << s.error_message();
    EXPECT_TRUE(replayed.identical()) << what << ": " << replayed.ShortDebugString();
    EXPECT_GT(replayed.steps_size(), 0) << what;
  }

  // One scenario on its own copy: run, fault at the trigger, resume, compare.
  void RunScenario(const Scenario& scenario, const Dump& reference) {
    SCOPED_TRACE(scenario.name);
    ASSERT_LT(absl::Now() - test_start_, kBudget) << "out of time before " << scenario.name;
    const std::string database = absl::StrCat("run_", scenario.name);
    const std::string url = CopyTemplate(database);
    ServerProcess server(TC_SERVER_BINARY, kAdminToken, postgres_.folder());
    absl::Status started = server.Start(url);
    ASSERT_TRUE(started.ok()) << started;

    Landing landing;
    landing.scenario = scenario.name;
    // Opened before the run, so that taking a lock costs one round trip.
    pqxx::connection monitor(url), row_locker(url), row_locker2(url), steps_locker(url);
    bool fired = false;
    std::string fault_error;
    // The server's statement waiting on a lock of ours, if it does within `timeout`.
    auto server_waiting = [&](absl::string_view containing, absl::Duration timeout) {
      const absl::Time deadline = absl::Now() + timeout;
      for (;;) {
        pqxx::result waiting = pqxx::nontransaction(monitor).exec_params(
            "SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 70) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND strpos(query, $1) > 0",
            std::string(containing));
        if (!waiting.empty()) return std::string(waiting[0][0].c_str());
        if (absl::Now() > deadline) return std::string();
        absl::SleepFor(absl::Milliseconds(2));
      }
    };
    // The run starts while the test holds eod_steps: CLOSE_TRADING, holding the run's row,
    // waits to insert its record. At the stream's first message the test queues for
    // eod_runs in EXCLUSIVE mode behind it and lets it go; from there it lets the run on
    // one transaction at a time with that table lock (every step begins by locking the
    // run's row FOR UPDATE, which waits for it; the lock queue is first come, first served:
    // not a row lock, which an UPDATE moves to a new row version that a later locker can
    // take first) until the steps before the fault point are committed and the next one
    // waits.
    const int target = scenario.fault == Fault::kKillBetween ? scenario.step : scenario.step - 1;
    auto first_hold = std::make_unique<pqxx::work>(steps_locker);
    first_hold->exec0("LOCK TABLE eod_steps IN SHARE MODE");
    auto on_message = [&](const pb::EodProgress& m) {
      if (fired) return;
      fired = true;
      try {
        std::unique_ptr<pqxx::work> row_lock;
        pqxx::connection* lockers[2] = {&row_locker, &row_locker2};
        int next_locker = 0;
        // The test's holds of eod_runs are handed over, never released and retaken: the next
        // hold is queued on the other connection and seen waiting before `release` lets the
        // current one go, so the server can take the table for one transaction (it was
        // queued first) but never for a second one that starts after it (a retake after a
        // commit lost that race once: the run's completion slipped in between).
        auto hand_over = [&](const std::function<void()>& release) {
          pqxx::connection& connection = *lockers[next_locker];
          next_locker ^= 1;
          std::unique_ptr<pqxx::work> next;
          std::string queue_error;
          std::thread queued([&] {
            try {
              next = std::make_unique<pqxx::work>(connection);
              next->exec0("SET LOCAL lock_timeout = '30s'");
              next->exec0("LOCK TABLE eod_runs IN EXCLUSIVE MODE");
              landing.steps_done =
                  next->exec_params1("SELECT steps_done FROM eod_runs WHERE business_date = $1",
                                     kDay2)[0]
                      .as<int>();
            } catch (const std::exception& e) {
              queue_error = e.what();
            }
          });
          const int queued_pid = connection.backendpid();
          for (const absl::Time deadline = absl::Now() + absl::Seconds(10);
               absl::Now() < deadline;) {
            if (!pqxx::nontransaction(monitor)
                     .exec_params("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND "
                                  "wait_event_type = 'Lock'",
                                  queued_pid)
                     .empty()) {
              break;
            }
            absl::SleepFor(absl::Milliseconds(2));
          }
          release();
          queued.join();
          absl::StrAppend(&fault_error, queue_error);
          row_lock = std::move(next);
        };
        if (server_waiting("eod_steps", absl::Seconds(10)).empty()) {
          fault_error = "CLOSE_TRADING was not seen waiting for eod_steps";
        }
        hand_over([&] { first_hold->commit(); });
        for (const absl::Time deadline = absl::Now() + absl::Seconds(20);
             landing.steps_done < target && absl::Now() < deadline && row_lock != nullptr;) {
          hand_over([&] { row_lock->commit(); });
        }
        if (landing.steps_done != target) {
          fault_error = absl::StrCat("the lock passed the fault point: ", landing.steps_done,
                                     " steps done, wanted ", target);
        }
        if (scenario.fault == Fault::kKillBetween) {
          // The next step (or, after the last, the run's completion) waits for the row.
          landing.server_waiting = server_waiting("eod_runs", absl::Seconds(10));
        } else {
          // A step inserts its record last: it does all its work, then waits for eod_steps.
          pqxx::work steps_lock(steps_locker);
          steps_lock.exec0("LOCK TABLE eod_steps IN SHARE MODE");
          row_lock->commit();
          row_lock.reset();
          landing.server_waiting = server_waiting("eod_steps", absl::Seconds(10));
          if (scenario.fault == Fault::kStopPostgresInside) {
            const absl::Status stopped = postgres_.StopImmediately();
            if (!stopped.ok()) fault_error = absl::StrCat(stopped.ToString(), postgres_.Logs());
            const absl::Status restarted = postgres_.Start();
            if (!restarted.ok()) {
              absl::StrAppend(&fault_error, restarted.ToString(), postgres_.Logs());
            }
            return;  // the test's connections went with the cluster
          }
          server.KillNine();
          return;
        }
        server.KillNine();
      } catch (const std::exception& e) {
        absl::StrAppend(&fault_error, e.what());
        server.KillNine();
      }
    };
    const RunResult interrupted = RunEndOfDay(server.channel(), kDay2, on_message);
    ASSERT_TRUE(fired) << "the trigger never came: " << Describe(interrupted);
    ASSERT_TRUE(fault_error.empty()) << fault_error;
    if (landing.server_waiting.empty()) {
      ADD_FAILURE() << "the server was not seen waiting on the test's lock: the fault point "
                       "is not where it should be";
    }
    for (const pb::EodProgress& m : interrupted.messages) {
      if (m.step_no() == landing.steps_done && m.phase() == "DONE") landing.done_seen = true;
    }
    if (scenario.fault != Fault::kStopPostgresInside) {
      EXPECT_FALSE(interrupted.status.ok()) << "the stream of a killed server ended OK";
    }

    if (scenario.fault == Fault::kStopPostgresInside) {
      landing.server_survived = !server.Exited();
    }
    if (scenario.fault != Fault::kStopPostgresInside || !landing.server_survived) {
      started = server.Start(url);
      ASSERT_TRUE(started.ok()) << started;
    }
    const absl::Time resume_start = absl::Now();
    const RunResult resumed = ResumeEndOfDay(server.channel(), kDay2, &landing.resume_attempts);
    landing.resume_time = absl::Now() - resume_start;
    landing.skipped = resumed.skipped;
    ASSERT_TRUE(resumed.status.ok())
        << Describe(resumed) << "\ninterrupted: " << Describe(interrupted) << "\n"
        << server.Log() << "\n"
        << postgres_.Logs();
    ASSERT_TRUE(resumed.run.has_value()) << Describe(resumed);
    EXPECT_EQ(resumed.run->status(), pb::EOD_RUN_STATUS_COMPLETE) << Describe(resumed);
    EXPECT_EQ(resumed.run->steps_done(), kSteps) << Describe(resumed);
    ASSERT_NO_FATAL_FAILURE(CheckLedgerAndReplay(server.channel(), scenario.name));
    EXPECT_EQ(server.Stop(), 0) << server.Log();

    const Dump dump = DumpResults(url, false);
    const std::string differences = Differences(reference, dump);
    EXPECT_TRUE(differences.empty())
        << scenario.name << " (fault with " << landing.steps_done
        << " steps done, server waiting on: " << landing.server_waiting
        << "): the resumed run differs from the uninterrupted one:" << differences;
    landings_.push_back(landing);
    DropCopy(database);
  }

  PrivatePostgres postgres_;
  std::string tools_log_;
  absl::Time test_start_;
  int64_t trades_ = 0, cancels_ = 0;
  int prices_per_day_ = 0;
  std::vector<Landing> landings_;
};

TEST_F(EodCrashTest, ResumedRunsEqualAnUninterruptedRun) {
  ASSERT_NO_FATAL_FAILURE(PrepareTemplate());
  const absl::Duration prepared = absl::Now() - test_start_;

  // The reference: an uninterrupted run on one copy.
  const std::string reference_url = CopyTemplate("reference");
  ServerProcess server(TC_SERVER_BINARY, kAdminToken, postgres_.folder());
  const absl::Status started = server.Start(reference_url);
  ASSERT_TRUE(started.ok()) << started;
  const RunResult reference_run = RunEndOfDay(server.channel(), kDay2);
  ASSERT_TRUE(reference_run.status.ok()) << Describe(reference_run) << "\n" << server.Log();
  ASSERT_TRUE(reference_run.run.has_value()) << Describe(reference_run);
  ASSERT_EQ(reference_run.run->status(), pb::EOD_RUN_STATUS_COMPLETE) << Describe(reference_run);
  ASSERT_EQ(reference_run.run->steps_done(), kSteps);
  EXPECT_EQ(reference_run.skipped, 0);
  ASSERT_NO_FATAL_FAILURE(CheckLedgerAndReplay(server.channel(), "reference"));
  const Dump reference = DumpResults(reference_url, false);
  for (const char* table :
       {"eod_positions", "vm_position_marks", "vm_trade_marks", "vm_origin_totals",
        "journal_entries", "journal_lines", "margin_requirements"}) {
    EXPECT_FALSE(reference.at(table).empty()) << table << " is empty: a weak comparison";
  }
  EXPECT_EQ(reference.at("eod_steps").size(), 2u * kSteps);
  {
    // Not a vacuous comparison: the state before the run differs from the reference in
    // every table the run writes.
    const Dump before_run = DumpResults(CopyTemplate("before_run"), false);
    DropCopy("before_run");
    for (const char* table :
         {"eod_positions", "vm_position_marks", "vm_trade_marks", "vm_origin_totals", "vm_rounding",
          "journal_entries", "journal_lines", "ledger_balances", "margin_requirements",
          "margin_origin_requirements", "eod_steps", "eod_runs", "positions", "instruments",
          "business_days", "settlement_price_sets", "collateral_valuations", "obligations"}) {
      EXPECT_NE(before_run.at(table), reference.at(table)) << table << " is not written";
    }
  }

  // Running the finished date again changes nothing at all, and a replay is identical.
  const Dump before = DumpResults(reference_url, true);
  const RunResult again = RunEndOfDay(server.channel(), kDay2);
  ASSERT_TRUE(again.status.ok()) << Describe(again);
  ASSERT_TRUE(again.run.has_value());
  EXPECT_EQ(again.run->status(), pb::EOD_RUN_STATUS_COMPLETE);
  EXPECT_EQ(again.skipped, kSteps) << Describe(again);
  const std::string rerun_differences = Differences(before, DumpResults(reference_url, true));
  EXPECT_TRUE(rerun_differences.empty())
      << "re-running the finished date changed:" << rerun_differences;
  ASSERT_NO_FATAL_FAILURE(CheckLedgerAndReplay(server.channel(), "reference, run again"));
  EXPECT_EQ(server.Stop(), 0) << server.Log();

  std::vector<Scenario> scenarios;
  // After the last step too: the run's completion (eod_runs COMPLETE) waits.
  for (int k = 1; k <= kSteps; ++k) {
    scenarios.push_back({absl::StrCat("kill_after_", k), k, Fault::kKillBetween});
  }
  for (int step : {3, 4, 5}) {
    scenarios.push_back({absl::StrCat("kill_inside_", step), step, Fault::kKillInside});
  }
  scenarios.push_back({"pg_stop_inside_4", 4, Fault::kStopPostgresInside});
  // TOKENCLEAR_EOD_CRASH_ONLY=<part of a name> runs only the scenarios that match.
  const char* only = std::getenv("TOKENCLEAR_EOD_CRASH_ONLY");
  for (const Scenario& scenario : scenarios) {
    if (only != nullptr && scenario.name.find(only) == std::string::npos) continue;
    ASSERT_NO_FATAL_FAILURE(RunScenario(scenario, reference));
  }

  // The figures.
  std::printf(
      "eod_crash: template (reference data, index history, %s settled, %s prepared: %lld trades, "
      "%lld cancelled or corrected, %d settlement prices) in %.1f s\n",
      kDay1, kDay2, static_cast<long long>(trades_), static_cast<long long>(cancels_),
      prices_per_day_ / 2, absl::ToDoubleSeconds(prepared));
  std::printf("eod_crash: uninterrupted run of %s: %.0f ms over gRPC, %lld rows compared\n", kDay2,
              absl::ToDoubleMilliseconds(reference_run.elapsed),
              static_cast<long long>(RowCount(reference)));
  for (const pb::EodProgress& m : reference_run.messages) {
    if (m.phase() != "DONE") continue;
    std::printf("eod_crash:   %-17s %7.1f ms, %lld rows\n", m.step().c_str(),
                static_cast<double>(m.elapsed_micros()) / 1000.0,
                static_cast<long long>(m.rows_done()));
  }
  for (const Landing& l : landings_) {
    std::printf(
        "eod_crash: %-17s %d step(s) committed (DONE %s to the client), the server waiting in "
        "%s on: %s; resumed after %d attempt(s) in %.0f ms, %d step(s) SKIPPED%s\n",
        l.scenario.c_str(), l.steps_done, l.done_seen ? "seen" : "not seen",
        l.steps_done >= 0 && l.steps_done < kSteps ? kStepNames[l.steps_done + 1] : "completion",
        l.server_waiting.empty() ? "(nothing)" : l.server_waiting.c_str(), l.resume_attempts,
        absl::ToDoubleMilliseconds(l.resume_time), l.skipped,
        l.scenario.rfind("pg_stop", 0) == 0
            ? (l.server_survived ? "; the server survived the stop" : "; the server had exited")
            : "");
  }
  std::printf("eod_crash: total %.1f s\n", absl::ToDoubleSeconds(absl::Now() - test_start_));
  std::fflush(stdout);
}

// Treasury cash across a kill (issue 9 §7): the day's collects are instructed and their
// pain.008 files exported, the server is killed (SIGKILL) between the export and the
// confirmation; restarted, it exports the same bytes. The bank's camt.054 is imported while
// the test holds payment_confirmations: the import posts its settlements and marks the
// instructions, then waits to record the confirmations, uncommitted, and the server is
// killed again. After the restart the same file is imported: every collect is posted once
// (journal entries PAY/<id>), a second import is a replay, the pays follow, the ledger
// checks out and the reconciliation holds.
TEST_F(EodCrashTest, PaymentsKilledBetweenExportAndPostingPostOnce) {
  ASSERT_NO_FATAL_FAILURE(PrepareTemplate());
  const std::string url = CopyTemplate("payments");
  ServerProcess server(TC_SERVER_BINARY, kAdminToken, postgres_.folder());
  ASSERT_TRUE(server.Start(url).ok());
  // Collateral for every member origin, so that the day has pays (gains) as well as collects.
  std::vector<std::string> members;
  {
    pqxx::connection connection(url);
    for (const pqxx::row& r :
         pqxx::nontransaction(connection).exec("SELECT member_id FROM members ORDER BY 1")) {
      members.push_back(r[0].c_str());
    }
  }
  for (const std::string& member : members) {
    for (const char* origin : {"HOUSE", "CUSTOMER"}) {
      pb::MoveCollateralRequest deposit;
      deposit.set_idempotency_key(absl::StrCat("INIT-", member, "-", origin));
      deposit.set_member_id(member);
      deposit.set_origin(origin);
      deposit.set_currency("USD");
      deposit.set_amount("40000000.00");
      pb::CollateralMovement movement;
      const grpc::Status status =
          CallAs(server.channel(), &pb::CashService::Stub::DepositCollateral, kTreasury1, deposit,
                 &movement);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }
  const RunResult run = RunEndOfDay(server.channel(), kDay2);
  ASSERT_TRUE(run.status.ok() && run.run && run.run->status() == pb::EOD_RUN_STATUS_COMPLETE)
      << Describe(run);

  pb::InstructPaymentsRequest instruct;
  instruct.set_business_date(kDay2);
  pb::InstructPaymentsResponse instructed;
  grpc::Status s = CallAs(server.channel(), &pb::CashService::Stub::InstructPayments, kTreasury1,
                          instruct, &instructed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  int collects = 0, pays = 0;
  for (const pb::PaymentInstruction& p : instructed.instructions()) {
    (p.direction() == "COLLECT" ? collects : pays) += 1;
  }
  ASSERT_GT(collects, 0) << instructed.ShortDebugString();
  ASSERT_GT(pays, 0) << instructed.ShortDebugString();

  pb::ExportPaymentsRequest export_request;
  export_request.set_business_date(kDay2);
  auto export_files = [&](pb::ExportPaymentsResponse* files) {
    const grpc::Status status = CallAs(server.channel(), &pb::CashService::Stub::ExportPayments,
                                       kTreasury1, export_request, files);
    ASSERT_TRUE(status.ok()) << status.error_message();
  };
  pb::ExportPaymentsResponse before_kill, after_kill;
  ASSERT_NO_FATAL_FAILURE(export_files(&before_kill));
  EXPECT_EQ(before_kill.collects_outstanding(), collects) << "pays wait for the collects";
  for (const pb::PaymentFile& f : before_kill.files())
    EXPECT_EQ(f.message_type(), "pain.008.001.08");
  server.KillNine();  // between the export and the confirmation
  ASSERT_TRUE(server.Start(url).ok());
  ASSERT_NO_FATAL_FAILURE(export_files(&after_kill));
  ASSERT_EQ(after_kill.files_size(), before_kill.files_size());
  for (int i = 0; i < after_kill.files_size(); ++i) {
    EXPECT_EQ(after_kill.files(i).document(), before_kill.files(i).document())
        << "a re-export after a restart is the same file";
  }

  // What the bank books for a set of files.
  auto book = [](const pb::ExportPaymentsResponse& files, const std::string& type,
                 const std::string& message_id) {
    std::vector<payments::PainMessage> messages;
    for (const pb::PaymentFile& f : files.files()) {
      if (f.message_type() != type) continue;
      absl::StatusOr<payments::PainMessage> m = payments::ReadPainMessage(f.document());
      EXPECT_TRUE(m.ok()) << m.status();
      if (m.ok()) messages.push_back(*std::move(m));
    }
    absl::StatusOr<std::vector<payments::Camt054Notification>> booked =
        tools::BookInstructions(messages, {}, absl::CivilDay(2027, 1, 4));
    EXPECT_TRUE(booked.ok()) << booked.status();
    absl::StatusOr<std::string> camt = payments::WriteCamt054(
        message_id, absl::FromCivil(absl::CivilSecond(2027, 1, 4, 13, 0, 0), absl::UTCTimeZone()),
        booked.ok() ? *booked : std::vector<payments::Camt054Notification>{});
    EXPECT_TRUE(camt.ok()) << camt.status();
    return camt.ok() ? *camt : std::string();
  };
  pb::ImportCamt054Request collects_file;
  collects_file.set_document(book(after_kill, "pain.008.001.08", "BANK-COLLECTS-1"));
  auto posted = [&] {
    pqxx::connection connection(url);
    return pqxx::nontransaction(connection)
        .exec1("SELECT count(*) FROM journal_entries WHERE idempotency_key LIKE 'PAY/%'")[0]
        .as<int64_t>();
  };

  // Killed inside the import: the settlements are posted, the confirmations wait.
  {
    pqxx::connection locker(url), monitor(url);
    pqxx::work hold(locker);
    hold.exec0("LOCK TABLE payment_confirmations IN SHARE MODE");
    grpc::Status killed_import;
    std::thread importer([&] {
      pb::ConfirmPaymentsResponse ignored;
      killed_import = CallAs(server.channel(), &pb::CashService::Stub::ImportCamt054, kTreasury1,
                             collects_file, &ignored);
    });
    std::string waiting;
    for (const absl::Time deadline = absl::Now() + absl::Seconds(20);
         waiting.empty() && absl::Now() < deadline; absl::SleepFor(absl::Milliseconds(5))) {
      pqxx::result r = pqxx::nontransaction(monitor).exec(
          "SELECT left(query, 60) FROM pg_stat_activity WHERE datname = current_database() "
          "AND wait_event_type = 'Lock' AND strpos(query, 'payment_confirmations') > 0");
      if (!r.empty()) waiting = r[0][0].c_str();
    }
    EXPECT_FALSE(waiting.empty()) << "the import never reached its confirmations";
    server.KillNine();
    importer.join();
    hold.commit();
    EXPECT_FALSE(killed_import.ok()) << "the import of a killed server answered OK";
  }
  EXPECT_EQ(posted(), 0) << "the killed import's postings were rolled back";

  ASSERT_TRUE(server.Start(url).ok());
  pb::ConfirmPaymentsResponse confirmed;
  s = CallAs(server.channel(), &pb::CashService::Stub::ImportCamt054, kTreasury1, collects_file,
             &confirmed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(confirmed.replayed());
  ASSERT_EQ(confirmed.results_size(), collects);
  for (const pb::ConfirmationResult& r : confirmed.results()) {
    EXPECT_EQ(r.outcome(), "CONFIRMS") << r.ShortDebugString();
  }
  EXPECT_EQ(posted(), collects);
  pb::ConfirmPaymentsResponse again;
  s = CallAs(server.channel(), &pb::CashService::Stub::ImportCamt054, kTreasury1, collects_file,
             &again);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(posted(), collects) << "nothing is posted twice";

  // The pays follow the collects.
  pb::ExportPaymentsResponse with_pays;
  ASSERT_NO_FATAL_FAILURE(export_files(&with_pays));
  EXPECT_EQ(with_pays.collects_outstanding(), 0);
  pb::ImportCamt054Request pays_file;
  pays_file.set_document(book(with_pays, "pain.001.001.09", "BANK-PAYS-1"));
  pb::ConfirmPaymentsResponse paid;
  s = CallAs(server.channel(), &pb::CashService::Stub::ImportCamt054, kTreasury1, pays_file, &paid);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(paid.results_size(), pays);
  EXPECT_EQ(posted(), collects + pays);

  pb::CheckLedgerResponse check;
  s = CallAs(server.channel(), &pb::LedgerService::Stub::CheckLedger, kTreasury1,
             pb::CheckLedgerRequest(), &check);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(check.ok()) << check.ShortDebugString();
  pb::GetReconciliationRequest recon_request;
  recon_request.set_business_date(kDay2);
  pb::Reconciliation recon;
  s = CallAs(server.channel(), &pb::CashService::Stub::GetReconciliation, kTreasury1, recon_request,
             &recon);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(recon.ok()) << recon.ShortDebugString();
  EXPECT_EQ(recon.confirmed(), collects + pays);
  EXPECT_EQ(recon.unconfirmed(), 0);
  EXPECT_EQ(recon.bank_ledger_cents(), recon.bank_movements_cents());
  EXPECT_EQ(server.Stop(), 0) << server.Log();
  std::printf("payments_crash: %d collects and %d pays of %s posted once across two kills\n",
              collects, pays, kDay2);
}

}  // namespace
}  // namespace tc::testing
