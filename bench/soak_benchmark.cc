// Soak under mixed load: the load driver of bench/soak_benchmark.sh. Against one running
// tokenclear_server (the sample seed loaded, the index history loaded, a business date
// open) it runs at once, for a bounded time:
//   - trade feeds: SubmitTrades batches of 1..--max_batch events (uniform), open loop at
//     --trades_per_s over --feeds feeds. Each batch has a scheduled send time; its
//     acknowledgement latency is measured from that time, not from when the call went
//     out, so a stall of the server shows as latency (no coordinated omission);
//   - member reads, open loop at --member_calls_per_s per member principal, round robin
//     over MemberService GetPositions, ListTrades, GetMargin, GetCashStatement and
//     PositionService ListPositions, GetOpenInterest, ListTrades;
//   - what-if margin (MarginService.WhatIfMargin of a 50-position portfolio) at
//     --what_if_per_s;
//   - every --eod_interval_s an end of day: trading pauses (the exchange closes), the
//     day's prices are proposed and approved (two treasurers), RunEndOfDay settles it, the
//     next day's risk parameters are calibrated and approved (two risk principals), and
//     trading resumes on the next business date. Member reads and what-if keep running.
// It prints throughput, p50/p99/p999 latency and errors by code per RPC, the batch
// acknowledgement latency, each end-of-day run's steps and duration, and the server's
// resident memory every --rss_interval_s (from /proc/<--server_pid>/status).
//
//   build/bench/soak_benchmark --target=127.0.0.1:50093 --duration_s=600 --server_pid=1234
// Tokens default to the development tokens of deploy/seed/sample.textproto; the channel is
// plaintext (loopback). Exit 1 when any call failed or a trade was rejected.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tokenclear/v1/margin.grpc.pb.h"
#include "tokenclear/v1/member.grpc.pb.h"
#include "tokenclear/v1/positions.grpc.pb.h"
#include "tokenclear/v1/reference_data.grpc.pb.h"
#include "tokenclear/v1/trade_capture.grpc.pb.h"
#include "tokenclear/v1/treasury.grpc.pb.h"
#include "tools/api_client.h"
#include "tools/feed_generator.h"

ABSL_FLAG(int, duration_s, 600, "how long the soak runs, seconds");
ABSL_FLAG(int, trades_per_s, 2000, "trade events per second over all feeds (open loop)");
ABSL_FLAG(int, feeds, 4, "concurrent trade feeds, one thread and connection each");
ABSL_FLAG(int, max_batch, 50, "batch sizes are uniform in 1..max_batch");
ABSL_FLAG(std::vector<std::string>, members, std::vector<std::string>({"CM01", "CM02", "CM03"}),
          "member principals reading (sample seed tokens dev-member-<ID>-token-0001)");
ABSL_FLAG(double, member_calls_per_s, 10, "member reads per second per member principal");
ABSL_FLAG(double, what_if_per_s, 20, "WhatIfMargin calls per second (one member principal)");
ABSL_FLAG(int, eod_interval_s, 150, "trading time between end-of-day runs, seconds; 0: none");
ABSL_FLAG(int, server_pid, 0, "the server's pid, for its resident memory; 0: not sampled");
ABSL_FLAG(int, rss_interval_s, 10, "resident memory sampling interval, seconds");
ABSL_FLAG(uint64_t, seed, 20261201, "seed of the trade generators and batch sizes");
ABSL_FLAG(std::string, exchange_token, "dev-exchange-token-0001", "exchange principal");
ABSL_FLAG(std::string, treasury_token, "dev-treasury-token-0001", "proposes prices, runs EOD");
ABSL_FLAG(std::string, treasury2_token, "dev-treasury2-token-0001", "approves prices");
ABSL_FLAG(std::string, risk_token, "dev-risk-token-0001", "calibrates risk parameters");
ABSL_FLAG(std::string, risk2_token, "dev-risk2-token-0001", "approves risk parameters");

namespace {

namespace pb = ::tokenclear::v1;
using tc::tools::ApiConnection;

// Start prices (USD per 1M tokens, micros) by product of the sample seed, as run.sh trades.
const std::map<std::string, int64_t>& StartPrices() {
  static const auto* prices =
      new std::map<std::string, int64_t>{{"TKF", 3'000'000}, {"TKO", 450'000}};
  return *prices;
}
// 15:35 UTC: inside the default settlement window, so each day's trades price it by VWAP.
constexpr int64_t kSessionStartSeconds = (15 * 60 + 35) * 60;
constexpr int kWhatIfPositions = 50;
constexpr absl::Duration kEodTimeout = absl::Minutes(10);
constexpr size_t kRejectionsShown = 5;

ApiConnection Connect(const std::string& target, const std::string& token) {
  return ApiConnection(target, token, std::nullopt);
}

// Nearest-rank percentile of sorted `values`; 0 when empty.
double Percentile(const std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

// Latencies and outcomes per RPC, shared by every thread.
class Recorder {
 public:
  void Add(const std::string& rpc, absl::Duration latency, const absl::Status& status) {
    absl::MutexLock lock(&mu_);
    Series& series = by_rpc_[rpc];
    series.ms.push_back(absl::ToDoubleMilliseconds(latency));
    if (!status.ok()) {
      ++series.errors[std::string(absl::StatusCodeToString(status.code()))];
      if (first_errors_.size() < kRejectionsShown) {
        first_errors_.push_back(absl::StrCat(rpc, ": ", status.ToString()));
      }
    }
  }
  void Reject(const std::string& what) {
    absl::MutexLock lock(&mu_);
    ++rejected_;
    if (first_errors_.size() < kRejectionsShown) first_errors_.push_back(what);
  }

  // Prints one row per RPC; returns the number of failed calls and rejected trades.
  int64_t Print(absl::Duration elapsed) {
    absl::MutexLock lock(&mu_);
    int64_t failures = rejected_;
    std::printf("%-34s %8s %8s %9s %9s %9s %9s  %s\n", "RPC", "CALLS", "CALLS/S", "P50_MS",
                "P99_MS", "P999_MS", "MAX_MS", "ERRORS");
    for (auto& [rpc, series] : by_rpc_) {
      std::sort(series.ms.begin(), series.ms.end());
      std::string errors;
      for (const auto& [code, count] : series.errors) {
        absl::StrAppend(&errors, errors.empty() ? "" : ", ", code, " ", count);
        failures += count;
      }
      std::printf("%-34s %8zu %8.1f %9.2f %9.2f %9.2f %9.2f  %s\n", rpc.c_str(), series.ms.size(),
                  static_cast<double>(series.ms.size()) / absl::ToDoubleSeconds(elapsed),
                  Percentile(series.ms, 0.50), Percentile(series.ms, 0.99),
                  Percentile(series.ms, 0.999), series.ms.empty() ? 0.0 : series.ms.back(),
                  errors.empty() ? "0" : errors.c_str());
    }
    std::printf("rejected trade events: %lld\n", static_cast<long long>(rejected_));
    for (const std::string& error : first_errors_) std::printf("  %s\n", error.c_str());
    return failures;
  }

 private:
  struct Series {
    std::vector<double> ms;
    std::map<std::string, int64_t> errors;
  };
  absl::Mutex mu_;
  std::map<std::string, Series> by_rpc_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> first_errors_ ABSL_GUARDED_BY(mu_);
  int64_t rejected_ ABSL_GUARDED_BY(mu_) = 0;
};

// One unary call timed from `scheduled` (open loop: the time it should have been sent).
template <typename Stub, typename Request, typename Response>
absl::Status TimedCall(Recorder& recorder, const std::string& name, const ApiConnection& api,
                       Stub& stub,
                       grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                    Response*),
                       const Request& request, Response* response, absl::Time scheduled) {
  const absl::Status status = api.Call(stub, method, request, response);
  recorder.Add(name, absl::Now() - scheduled, status);
  return status;
}

// The state the threads share: whether the exchange is trading, the open and the last
// settled business date, and the approved risk parameter version what-if uses.
struct Day {
  std::string open_date;
  std::string settled_date;  // empty before the first end of day
  std::string parameter_version;
};

class Market {
 public:
  explicit Market(Day day) : day_(std::move(day)) {}

  Day day() const {
    absl::MutexLock lock(&mu_);
    return day_;
  }
  bool stopped() const {
    absl::MutexLock lock(&mu_);
    return stop_;
  }
  void Stop() {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }

  // A feed waits for trading to be open; returns the trading session (0 once stopped)
  // and counts the feed as busy until it calls EndSession.
  int64_t BeginSession(std::string* date) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](Market* m) ABSL_SHARED_LOCKS_REQUIRED(m->mu_) { return m->stop_ || m->trading_; },
        this));
    if (stop_) return 0;
    ++busy_feeds_;
    *date = day_.open_date;
    return session_;
  }
  // Whether `session` is still the one trading (checked before each batch).
  bool Trading(int64_t session) const {
    absl::MutexLock lock(&mu_);
    return trading_ && !stop_ && session == session_;
  }
  void EndSession() {
    absl::MutexLock lock(&mu_);
    --busy_feeds_;
  }

  // The exchange closes: returns once no feed has a batch in flight.
  void Close() {
    absl::MutexLock lock(&mu_);
    trading_ = false;
    mu_.Await(absl::Condition(
        +[](Market* m) ABSL_SHARED_LOCKS_REQUIRED(m->mu_) { return m->busy_feeds_ == 0; }, this));
  }
  // The next day opens for trading.
  void Open(Day day) {
    absl::MutexLock lock(&mu_);
    day_ = std::move(day);
    ++session_;
    trading_ = true;
  }

 private:
  mutable absl::Mutex mu_;
  Day day_ ABSL_GUARDED_BY(mu_);
  bool trading_ ABSL_GUARDED_BY(mu_) = true;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  int64_t session_ ABSL_GUARDED_BY(mu_) = 1;
  int busy_feeds_ ABSL_GUARDED_BY(mu_) = 0;
};

// Sleeps until `when`, in slices so that a stop is noticed within 100 ms.
void SleepUntil(absl::Time when, const Market& market) {
  for (absl::Time now = absl::Now(); now < when && !market.stopped(); now = absl::Now()) {
    absl::SleepFor(std::min(when - now, absl::Milliseconds(100)));
  }
}

// Reference data read once: the tradable instruments per date come from it.
struct Reference {
  pb::ListProductsResponse products;
  pb::ListInstrumentsResponse instruments;
  pb::ListAccountsResponse accounts;
};

absl::Status LoadReference(const ApiConnection& api, Reference& reference) {
  auto stub = pb::ReferenceDataService::NewStub(api.channel());
  using Stub = pb::ReferenceDataService::Stub;
  for (absl::Status status : {api.Call(*stub, &Stub::ListProducts, {}, &reference.products),
                              api.Call(*stub, &Stub::ListInstruments, {}, &reference.instruments),
                              api.Call(*stub, &Stub::ListAccounts, {}, &reference.accounts)}) {
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// What the exchange trades on `date`: active months not past their last trading date,
// every active account.
tc::tools::FeedUniverse UniverseOf(const Reference& reference, const std::string& date) {
  std::map<std::string, const pb::Product*> products;
  for (const pb::Product& product : reference.products.products()) {
    products[product.product_code()] = &product;
  }
  tc::tools::FeedUniverse universe;
  universe.business_date = date;
  for (const pb::Instrument& instrument : reference.instruments.instruments()) {
    auto product = products.find(instrument.product_code());
    if (instrument.status() != pb::INSTRUMENT_STATUS_ACTIVE || product == products.end() ||
        instrument.last_trading_date() <= date) {
      continue;  // the last trading day itself is left out: no FINAL prices in the soak
    }
    auto price = StartPrices().find(instrument.product_code());
    universe.instruments.push_back(
        {.instrument_id = instrument.instrument_id(),
         .tick_size_micros = product->second->tick_size_micros(),
         .start_price_micros = price == StartPrices().end() ? 1'000'000 : price->second,
         .max_quantity = std::min<int64_t>(50, product->second->max_trade_quantity())});
  }
  for (const pb::Account& account : reference.accounts.accounts()) {
    if (account.status() == pb::ACCOUNT_STATUS_ACTIVE) {
      universe.account_ids.push_back(account.account_id());
    }
  }
  return universe;
}

struct FeedTotals {
  std::atomic<int64_t> events{0};
  std::atomic<int64_t> accepted{0};
  std::atomic<int64_t> batches{0};
};

// One exchange feed: each trading session, a fresh generator for the open date (trade ids
// "SOAK<feed>-<yyyymmdd>-<n>") and an open-loop schedule from the session's start.
void RunFeed(int feed, const std::string& target, const Reference& reference, Market& market,
             Recorder& recorder, FeedTotals& totals) {
  const ApiConnection api = Connect(target, absl::GetFlag(FLAGS_exchange_token));
  auto stub = pb::TradeCaptureService::NewStub(api.channel());
  const double events_per_s =
      static_cast<double>(absl::GetFlag(FLAGS_trades_per_s)) / absl::GetFlag(FLAGS_feeds);
  const int max_batch = absl::GetFlag(FLAGS_max_batch);
  std::mt19937_64 sizes(absl::GetFlag(FLAGS_seed) * 31 + feed);
  std::string date;
  for (int64_t session = market.BeginSession(&date); session != 0;
       session = market.BeginSession(&date)) {
    const std::string digits = absl::StrReplaceAll(date, {{"-", ""}});
    tc::tools::FeedGenerator generator(
        UniverseOf(reference, date),
        {.seed = absl::GetFlag(FLAGS_seed) + 1000 * feed + std::stoull(digits) % 1000,
         .id_prefix = absl::StrCat("SOAK", feed, "-", digits),
         .cancels_per_mille = 5,
         .corrections_per_mille = 5,
         .session_start_seconds = kSessionStartSeconds});
    absl::Time scheduled = absl::Now();
    while (market.Trading(session)) {
      const int size = 1 + static_cast<int>(sizes() % static_cast<uint64_t>(max_batch));
      SleepUntil(scheduled, market);
      pb::SubmitTradesRequest request;
      for (int i = 0; i < size; ++i) *request.add_events() = generator.Next();
      pb::SubmitTradesResponse response;
      const absl::Status status =
          TimedCall(recorder, "TradeCapture.SubmitTrades", api, *stub,
                    &pb::TradeCaptureService::Stub::SubmitTrades, request, &response, scheduled);
      totals.batches.fetch_add(1);
      totals.events.fetch_add(size);
      if (status.ok()) {
        for (const pb::TradeResult& result : response.results()) {
          if (result.outcome() == pb::TRADE_OUTCOME_ACCEPTED) {
            totals.accepted.fetch_add(1);
          } else {
            recorder.Reject(absl::StrCat(result.key(), ": ", result.message()));
          }
        }
      }
      scheduled += absl::Seconds(size / events_per_s);
    }
    market.EndSession();
  }
}

// A member's read load: one call every 1/rate seconds, round robin over the reads.
void RunMemberReads(const std::string& member, const std::string& target, Market& market,
                    Recorder& recorder) {
  const ApiConnection api = Connect(target, absl::StrCat("dev-member-", member, "-token-0001"));
  auto members = pb::MemberService::NewStub(api.channel());
  auto positions = pb::PositionService::NewStub(api.channel());
  using M = pb::MemberService::Stub;
  using P = pb::PositionService::Stub;
  const std::string house = absl::StrCat(member, "-H");
  // Each read returns false when it does not apply yet (no settled date).
  const std::vector<std::function<bool(const Day&, absl::Time)>> reads = {
      [&](const Day& day, absl::Time at) {
        pb::GetPositionsRequest request;
        request.set_business_date(day.open_date);
        pb::GetPositionsResponse response;
        (void)TimedCall(recorder, "Member.GetPositions", api, *members, &M::GetPositions, request,
                        &response, at);
        return true;
      },
      [&](const Day& day, absl::Time at) {
        pb::ListMemberTradesRequest request;
        request.set_from_business_date(day.open_date);
        request.set_to_business_date(day.open_date);
        request.set_page_size(100);
        pb::ListMemberTradesResponse response;
        (void)TimedCall(recorder, "Member.ListTrades", api, *members, &M::ListTrades, request,
                        &response, at);
        return true;
      },
      [&](const Day& day, absl::Time at) {
        if (day.settled_date.empty()) return false;
        pb::GetMarginRequest request;
        request.set_business_date(day.settled_date);
        pb::GetMarginResponse response;
        (void)TimedCall(recorder, "Member.GetMargin", api, *members, &M::GetMargin, request,
                        &response, at);
        return true;
      },
      [&](const Day& day, absl::Time at) {
        if (day.settled_date.empty()) return false;
        pb::GetCashStatementRequest request;
        request.set_from_business_date(day.settled_date);
        request.set_to_business_date(day.settled_date);
        pb::GetCashStatementResponse response;
        (void)TimedCall(recorder, "Member.GetCashStatement", api, *members, &M::GetCashStatement,
                        request, &response, at);
        return true;
      },
      [&](const Day&, absl::Time at) {
        pb::ListPositionsResponse response;
        (void)TimedCall(recorder, "Position.ListPositions", api, *positions, &P::ListPositions,
                        pb::ListPositionsRequest(), &response, at);
        return true;
      },
      [&](const Day&, absl::Time at) {
        pb::GetOpenInterestResponse response;
        (void)TimedCall(recorder, "Position.GetOpenInterest", api, *positions, &P::GetOpenInterest,
                        pb::GetOpenInterestRequest(), &response, at);
        return true;
      },
      [&](const Day& day, absl::Time at) {
        pb::ListTradesRequest request;
        request.set_account_id(house);
        request.set_trade_date(day.open_date);
        request.set_page_size(100);
        pb::ListTradesResponse response;
        (void)TimedCall(recorder, "Position.ListTrades", api, *positions, &P::ListTrades, request,
                        &response, at);
        return true;
      }};
  const absl::Duration interval = absl::Seconds(1 / absl::GetFlag(FLAGS_member_calls_per_s));
  size_t next = 0;
  for (absl::Time scheduled = absl::Now(); !market.stopped(); scheduled += interval) {
    SleepUntil(scheduled, market);
    const Day day = market.day();
    // Bounded: at most one pass over the reads finds one that applies (the first does).
    for (size_t tried = 0; tried < reads.size() && !reads[next++ % reads.size()](day, scheduled);
         ++tried) {
    }
  }
}

// What-if margin of a 50-position portfolio (long and short alternating over the listed
// months) at the approved parameter set the market holds.
void RunWhatIf(const std::string& member, const std::string& target, const Reference& reference,
               Market& market, Recorder& recorder) {
  const ApiConnection api = Connect(target, absl::StrCat("dev-member-", member, "-token-0001"));
  auto stub = pb::MarginService::NewStub(api.channel());
  pb::WhatIfMarginRequest request;
  request.set_account_class(pb::ACCOUNT_CLASS_SPECULATOR);
  const auto& instruments = reference.instruments.instruments();
  for (int i = 0; i < kWhatIfPositions && !instruments.empty(); ++i) {
    pb::MarginPosition* position = request.add_positions();
    position->set_instrument_id(instruments.Get(i % instruments.size()).instrument_id());
    position->set_quantity((i % 2 == 0 ? 1 : -1) * (1 + i % 7));
  }
  const absl::Duration interval = absl::Seconds(1 / absl::GetFlag(FLAGS_what_if_per_s));
  for (absl::Time scheduled = absl::Now(); !market.stopped(); scheduled += interval) {
    SleepUntil(scheduled, market);
    request.set_parameter_version(market.day().parameter_version);
    pb::MarginBreakdown response;
    (void)TimedCall(recorder, "Margin.WhatIfMargin", api, *stub,
                    &pb::MarginService::Stub::WhatIfMargin, request, &response, scheduled);
  }
}

// Resident memory of the server, MiB, every interval, with the seconds since the start.
void SampleMemory(int pid, absl::Time start, const Market& market,
                  std::vector<std::pair<double, double>>& samples) {
  const std::string path = absl::StrCat("/proc/", pid, "/status");
  const absl::Duration interval = absl::Seconds(absl::GetFlag(FLAGS_rss_interval_s));
  for (absl::Time next = start; !market.stopped(); next += interval) {
    SleepUntil(next, market);
    std::ifstream status(path);
    std::string key;
    int64_t kib = 0;
    while (status >> key) {
      if (key == "VmRSS:" && status >> kib) break;
    }
    samples.emplace_back(absl::ToDoubleSeconds(absl::Now() - start), kib / 1024.0);
  }
}

// The principals and stubs of the day's bookkeeping around the end of day.
class Treasury {
 public:
  Treasury(const std::string& target, Recorder& recorder)
      : recorder_(recorder),
        treasury1_(Connect(target, absl::GetFlag(FLAGS_treasury_token))),
        treasury2_(Connect(target, absl::GetFlag(FLAGS_treasury2_token))),
        risk1_(Connect(target, absl::GetFlag(FLAGS_risk_token))),
        risk2_(Connect(target, absl::GetFlag(FLAGS_risk2_token))) {}

  // Risk parameters of `date`, calibrated by one risk principal and approved by another;
  // returns the approved version.
  absl::StatusOr<std::string> ApproveParameters(const std::string& date) {
    auto calibrate = pb::MarginService::NewStub(risk1_.channel());
    auto approve = pb::MarginService::NewStub(risk2_.channel());
    pb::CalibrateParametersRequest request;
    request.set_business_date(date);
    pb::RiskParameterSet draft;
    absl::Status status =
        TimedCall(recorder_, "Margin.CalibrateParameters", risk1_, *calibrate,
                  &pb::MarginService::Stub::CalibrateParameters, request, &draft, absl::Now());
    if (!status.ok()) return status;
    pb::ApproveParameterSetRequest approval;
    approval.set_version(draft.version());
    pb::RiskParameterSet approved;
    status =
        TimedCall(recorder_, "Margin.ApproveParameterSet", risk2_, *approve,
                  &pb::MarginService::Stub::ApproveParameterSet, approval, &approved, absl::Now());
    if (!status.ok()) return status;
    return approved.version();
  }

  // The day's prices proposed by one treasurer and approved by another, then the run;
  // returns the next business date. Prints the run's steps.
  absl::StatusOr<std::string> SettleDay(const std::string& date, absl::Duration* run_time) {
    auto propose = pb::TreasuryService::NewStub(treasury1_.channel());
    auto approve = pb::TreasuryService::NewStub(treasury2_.channel());
    pb::ProposeSettlementPricesRequest request;
    request.set_business_date(date);
    pb::SettlementPriceSet proposed;
    absl::Status status = TimedCall(recorder_, "Treasury.ProposeSettlementPrices", treasury1_,
                                    *propose, &pb::TreasuryService::Stub::ProposeSettlementPrices,
                                    request, &proposed, absl::Now());
    if (!status.ok()) return status;
    pb::ApproveSettlementPricesRequest approval;
    approval.set_business_date(date);
    approval.set_version(proposed.version());
    pb::SettlementPriceSet approved;
    status = TimedCall(recorder_, "Treasury.ApproveSettlementPrices", treasury2_, *approve,
                       &pb::TreasuryService::Stub::ApproveSettlementPrices, approval, &approved,
                       absl::Now());
    if (!status.ok()) return status;

    grpc::ClientContext context;
    treasury1_.Prepare(context, kEodTimeout);
    pb::RunEndOfDayRequest run_request;
    run_request.set_business_date(date);
    const absl::Time start = absl::Now();
    std::unique_ptr<grpc::ClientReader<pb::EodProgress>> reader =
        propose->RunEndOfDay(&context, run_request);
    pb::EodProgress progress;
    std::string steps;
    pb::EodRun run;
    while (reader->Read(&progress)) {
      if (progress.phase() == "DONE") {
        absl::StrAppendFormat(&steps, " %s %.2fs", progress.step(),
                              static_cast<double>(progress.elapsed_micros()) / 1e6);
      }
      if (progress.has_run()) run = progress.run();
    }
    status = tc::tools::ToAbslStatus(reader->Finish());
    *run_time = absl::Now() - start;
    recorder_.Add("Treasury.RunEndOfDay", *run_time, status);
    std::printf("end of day %s: %.2f s, %d proposed prices;%s\n", date.c_str(),
                absl::ToDoubleSeconds(*run_time), proposed.prices_size(), steps.c_str());
    std::fflush(stdout);
    if (!status.ok()) return status;
    if (run.status() != pb::EOD_RUN_STATUS_COMPLETE || run.next_business_date().empty()) {
      return absl::InternalError(
          absl::StrCat("the end-of-day run of ", date, " did not complete: ", run.message()));
    }
    return run.next_business_date();
  }

 private:
  Recorder& recorder_;
  const ApiConnection treasury1_;
  const ApiConnection treasury2_;
  const ApiConnection risk1_;
  const ApiConnection risk2_;
};

struct EodRecord {
  std::string date;
  double run_s = 0;
  double paused_s = 0;  // trading closed: prices, the run, the next day's parameters
};

int Run() {
  // --target from the shared client flags; every principal has its own connection.
  const std::string target = ApiConnection::FromFlags().target();
  const ApiConnection api = Connect(target, absl::GetFlag(FLAGS_treasury_token));
  Reference reference;
  pb::BusinessDate open;
  {
    auto stub = pb::ReferenceDataService::NewStub(api.channel());
    absl::Status status = LoadReference(api, reference);
    if (status.ok()) {
      status = api.Call(*stub, &pb::ReferenceDataService::Stub::GetBusinessDate, {}, &open);
    }
    if (!status.ok()) {
      std::fprintf(stderr, "soak_benchmark: %s\n", status.ToString().c_str());
      return 1;
    }
  }
  Recorder recorder;
  Treasury treasury(target, recorder);
  absl::StatusOr<std::string> version = treasury.ApproveParameters(open.business_date());
  if (!version.ok()) {
    std::fprintf(stderr, "soak_benchmark: parameters of %s: %s\n", open.business_date().c_str(),
                 version.status().ToString().c_str());
    return 1;
  }
  Market market(
      {.open_date = open.business_date(), .settled_date = "", .parameter_version = *version});
  const std::vector<std::string> members = absl::GetFlag(FLAGS_members);
  std::printf(
      "soak: %d s on %s; %d trades/s in batches of 1..%d over %d feeds; %s reading at %.1f/s "
      "each; what-if at %.1f/s; an end of day every %d s of trading; business date %s\n",
      absl::GetFlag(FLAGS_duration_s), target.c_str(), absl::GetFlag(FLAGS_trades_per_s),
      absl::GetFlag(FLAGS_max_batch), absl::GetFlag(FLAGS_feeds),
      absl::StrJoin(members, ",").c_str(), absl::GetFlag(FLAGS_member_calls_per_s),
      absl::GetFlag(FLAGS_what_if_per_s), absl::GetFlag(FLAGS_eod_interval_s),
      open.business_date().c_str());
  std::fflush(stdout);

  const absl::Time start = absl::Now();
  const absl::Time end = start + absl::Seconds(absl::GetFlag(FLAGS_duration_s));
  FeedTotals totals;
  std::vector<std::pair<double, double>> rss_mib;
  std::vector<std::thread> threads;
  for (int feed = 1; feed <= absl::GetFlag(FLAGS_feeds); ++feed) {
    threads.emplace_back([&, feed] { RunFeed(feed, target, reference, market, recorder, totals); });
  }
  for (const std::string& member : members) {
    threads.emplace_back([&, member] { RunMemberReads(member, target, market, recorder); });
  }
  if (absl::GetFlag(FLAGS_what_if_per_s) > 0 && !members.empty()) {
    threads.emplace_back([&] { RunWhatIf(members.front(), target, reference, market, recorder); });
  }
  if (absl::GetFlag(FLAGS_server_pid) > 0) {
    threads.emplace_back(
        [&] { SampleMemory(absl::GetFlag(FLAGS_server_pid), start, market, rss_mib); });
  }

  // The end-of-day cycle, on this thread.
  std::vector<EodRecord> eods;
  absl::Duration paused;
  absl::Status failed;
  const int interval_s = absl::GetFlag(FLAGS_eod_interval_s);
  for (absl::Time next_eod = start + absl::Seconds(interval_s);
       interval_s > 0 && next_eod < end && failed.ok();) {
    SleepUntil(next_eod, market);
    const absl::Time close = absl::Now();
    market.Close();
    Day day = market.day();
    absl::Duration run_time;
    absl::StatusOr<std::string> next_date = treasury.SettleDay(day.open_date, &run_time);
    if (next_date.ok()) version = treasury.ApproveParameters(*next_date);
    if (!next_date.ok() || !version.ok()) {
      failed = next_date.ok() ? version.status() : next_date.status();
      break;
    }
    day.settled_date = day.open_date;
    day.open_date = *next_date;
    day.parameter_version = *version;
    market.Open(day);
    const absl::Time reopened = absl::Now();
    paused += reopened - close;
    eods.push_back({.date = day.settled_date,
                    .run_s = absl::ToDoubleSeconds(run_time),
                    .paused_s = absl::ToDoubleSeconds(reopened - close)});
    next_eod = reopened + absl::Seconds(interval_s);
  }
  if (failed.ok()) SleepUntil(end, market);
  market.Stop();
  for (std::thread& thread : threads) thread.join();
  const absl::Duration elapsed = absl::Now() - start;

  std::printf("\n== per RPC (latency from the scheduled send; %.0f s)\n",
              absl::ToDoubleSeconds(elapsed));
  const int64_t failures = recorder.Print(elapsed);
  const double trading_s = absl::ToDoubleSeconds(elapsed - paused);
  std::printf(
      "\n== trades: %lld events in %lld batches, %lld accepted; %.0f events/s over %.0f s of "
      "trading, %.0f events/s over the whole %.0f s\n",
      static_cast<long long>(totals.events.load()), static_cast<long long>(totals.batches.load()),
      static_cast<long long>(totals.accepted.load()),
      static_cast<double>(totals.events.load()) / trading_s, trading_s,
      static_cast<double>(totals.events.load()) / absl::ToDoubleSeconds(elapsed),
      absl::ToDoubleSeconds(elapsed));
  std::printf("\n== end-of-day runs: %zu\n", eods.size());
  for (const EodRecord& eod : eods) {
    std::printf("%s  run %.2f s, trading closed %.2f s\n", eod.date.c_str(), eod.run_s,
                eod.paused_s);
  }
  if (!rss_mib.empty()) {
    std::printf("\n== server RSS (MiB) every %d s:", absl::GetFlag(FLAGS_rss_interval_s));
    double max = 0;
    for (const auto& [seconds, mib] : rss_mib) {
      std::printf(" %.0f", mib);
      max = std::max(max, mib);
    }
    std::printf("\nfirst %.1f, last %.1f, max %.1f MiB (%zu samples)\n", rss_mib.front().second,
                rss_mib.back().second, max, rss_mib.size());
  }
  if (!failed.ok()) {
    std::fprintf(stderr, "soak_benchmark: end of day: %s\n", failed.ToString().c_str());
    return 1;
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "tokenclear soak under mixed load: soak_benchmark --target=HOST:PORT [--duration_s=600] "
      "[--trades_per_s=2000] [--server_pid=PID]");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_duration_s) < 1 || absl::GetFlag(FLAGS_trades_per_s) < 1 ||
      absl::GetFlag(FLAGS_feeds) < 1 || absl::GetFlag(FLAGS_max_batch) < 1 ||
      absl::GetFlag(FLAGS_member_calls_per_s) <= 0 || absl::GetFlag(FLAGS_what_if_per_s) < 0 ||
      absl::GetFlag(FLAGS_eod_interval_s) < 0 || absl::GetFlag(FLAGS_rss_interval_s) < 1) {
    std::fprintf(stderr,
                 "soak_benchmark: --duration_s, --trades_per_s, --feeds, --max_batch and "
                 "--rss_interval_s are at least 1, --member_calls_per_s is positive, "
                 "--what_if_per_s and --eod_interval_s are not negative\n");
    return 2;
  }
  return Run();
}
