// tradesim: an exchange simulator. Sends a seeded, reproducible day of trades, cancels
// and corrections (tools/feed_generator.h) for the open business date, to the listed
// instruments and active accounts it reads through the API, over one or more concurrent
// feeds, and reports outcomes, throughput and acknowledgement latency.
//
//   tradesim --token=dev-exchange-token-0001 --events=20000 --feeds=2 --mode=stream
//   tradesim --token=dev-exchange-token-0001 --mode=batch --start_price=TKF=3.000,TKO=0.450
// Trade ids are "<feed_id>-<YYYYMMDD>-<n>", so a re-run on the same business date replays
// the same events: stream mode resumes after the sequence the server holds for the feed,
// batch mode resends and gets ALREADY_ACCEPTED. With --retry_s, a failover is ridden out the
// same way: a failed batch is sent again unchanged, a broken stream resumes after the held
// sequence. Exit 1 on an API error, or on a rejected event unless --allow_rejects; 2 on a
// bad flag.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "tokenclear/v1/reference_data.grpc.pb.h"
#include "tokenclear/v1/trade_capture.grpc.pb.h"
#include "tools/api_client.h"
#include "tools/feed_generator.h"
#include "tools/toolkit/text_table.h"

ABSL_FLAG(uint64_t, seed, 20261123, "generator seed (feed i of several uses seed + i)");
ABSL_FLAG(int64_t, events, 20000, "trade events in total, split evenly over the feeds");
ABSL_FLAG(int, batch_size, 500, "events per batch (one acknowledgement each)");
ABSL_FLAG(std::string, mode, "stream",
          "stream: StreamTrades, sequenced and resumable; batch: SubmitTrades");
ABSL_FLAG(std::string, feed_id, "SIM1", "feed id; with --feeds > 1, feed i is <feed_id>-<i>");
ABSL_FLAG(int, feeds, 1, "concurrent feeds, one thread each");
ABSL_FLAG(int, cancels_per_mille, 10, "per mille of events that cancel a recent trade");
ABSL_FLAG(int, corrections_per_mille, 10, "per mille of events that correct a recent trade");
ABSL_FLAG(std::string, start_price, "",
          "start price per product in USD per 1M tokens, e.g. TKF=3.000,TKO=0.450 "
          "(unnamed products start at 1.000)");
ABSL_FLAG(int, batch_timeout_s, 60, "longest wait for one batch's acknowledgement, seconds");
ABSL_FLAG(int, session_start_minute, 14 * 60 + 30,
          "minutes after 00:00 UTC of the first event (15:35 = 935 puts the day's trades in the "
          "default settlement window, so VWAP prices them)");
ABSL_FLAG(bool, allow_rejects, false, "exit 0 even when events were rejected");
ABSL_FLAG(int, retry_s, 0,
          "for this long, a batch that failed UNAVAILABLE or DEADLINE_EXCEEDED (a server or "
          "database failover) is sent again with the same ids, and a broken stream logs on "
          "again and resumes; 0: no retries");

namespace {

namespace pb = ::tokenclear::v1;
using tc::tools::ApiConnection;
using tc::tools::FeedGenerator;
using tc::tools::FeedUniverse;
using Events = google::protobuf::RepeatedPtrField<pb::TradeEvent>;
using Results = google::protobuf::RepeatedPtrField<pb::TradeResult>;
using ReferenceStub = pb::ReferenceDataService::Stub;
using TradeStub = pb::TradeCaptureService::Stub;
using FeedStream = grpc::ClientReaderWriter<pb::FeedMessage, pb::FeedReply>;

constexpr size_t kRejectionsShown = 5;
constexpr int64_t kDefaultStartPriceMicros = tc::kMicrosPerUnit;  // 1.000

struct FeedPlan {
  std::string feed_id;
  tc::tools::GeneratorOptions options;
  int64_t events = 0;
};

struct FeedStats {
  std::string feed_id;
  int64_t sent = 0;
  int64_t skipped = 0;        // already held by the server's feed (stream resume)
  int64_t acked_through = 0;  // the last sequence whose batch was acknowledged
  int64_t retries = 0;        // batches sent again, streams logged on again
  int64_t accepted = 0;
  int64_t already_accepted = 0;
  int64_t rejected = 0;
  std::vector<std::string> rejections;  // the first kRejectionsShown
  std::vector<double> ack_ms;           // one per batch
  absl::Status status;

  void Count(const Results& results) {
    for (const pb::TradeResult& result : results) {
      if (result.outcome() == pb::TRADE_OUTCOME_ACCEPTED) {
        ++accepted;
      } else if (result.outcome() == pb::TRADE_OUTCOME_ALREADY_ACCEPTED) {
        ++already_accepted;
      } else {
        ++rejected;
        if (rejections.size() < kRejectionsShown) {
          rejections.push_back(absl::StrCat(result.key(), ": ", result.message()));
        }
      }
    }
  }

  void Add(const FeedStats& other) {
    sent += other.sent;
    skipped += other.skipped;
    accepted += other.accepted;
    already_accepted += other.already_accepted;
    rejected += other.rejected;
    retries += other.retries;
    for (const std::string& r : other.rejections) {
      if (rejections.size() < kRejectionsShown) rejections.push_back(r);
    }
    ack_ms.insert(ack_ms.end(), other.ack_ms.begin(), other.ack_ms.end());
  }
};

// "TKF=3.000,TKO=0.450" -> {"TKF": 3000000, "TKO": 450000}.
absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> ParseStartPrices(absl::string_view text) {
  absl::flat_hash_map<std::string, int64_t> prices;
  for (absl::string_view entry : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    const std::pair<std::string, std::string> parts = absl::StrSplit(entry, '=');
    absl::StatusOr<int64_t> micros = tc::ParseFixed(parts.second, tc::kMicroScale);
    if (!micros.ok() || *micros <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--start_price: '", entry, "' is not PRODUCT=positive price"));
    }
    prices[parts.first] = *micros;
  }
  return prices;
}

// The instruments still trading on `business_date`, on their product's tick, starting at
// the --start_price of their product (else 1.000).
absl::StatusOr<std::vector<tc::tools::GeneratedInstrument>> TradableInstruments(
    const pb::ListProductsResponse& products, const pb::ListInstrumentsResponse& instruments,
    const std::string& business_date) {
  TC_ASSIGN_OR_RETURN(auto start_prices, ParseStartPrices(absl::GetFlag(FLAGS_start_price)));
  absl::flat_hash_map<std::string, const pb::Product*> by_code;
  for (const pb::Product& product : products.products()) by_code[product.product_code()] = &product;
  for (const auto& [code, price] : start_prices) {
    if (!by_code.contains(code)) {
      return absl::InvalidArgumentError(absl::StrCat("--start_price: no product '", code, "'"));
    }
  }
  std::vector<tc::tools::GeneratedInstrument> tradable;
  for (const pb::Instrument& instrument : instruments.instruments()) {
    auto product = by_code.find(instrument.product_code());
    if (instrument.status() != pb::INSTRUMENT_STATUS_ACTIVE || product == by_code.end() ||
        instrument.last_trading_date() < business_date) {
      continue;
    }
    tc::tools::GeneratedInstrument generated;
    generated.instrument_id = instrument.instrument_id();
    generated.tick_size_micros = product->second->tick_size_micros();
    auto price = start_prices.find(instrument.product_code());
    generated.start_price_micros =
        price == start_prices.end() ? kDefaultStartPriceMicros : price->second;
    generated.max_quantity =
        std::min(generated.max_quantity, product->second->max_trade_quantity());
    tradable.push_back(std::move(generated));
  }
  return tradable;
}

// The active accounts of active members.
std::vector<std::string> TradableAccounts(const pb::ListMembersResponse& members,
                                          const pb::ListAccountsResponse& accounts) {
  absl::flat_hash_set<std::string> active_members;
  for (const pb::Member& member : members.members()) {
    if (member.status() == pb::MEMBER_STATUS_ACTIVE) active_members.insert(member.member_id());
  }
  std::vector<std::string> tradable;
  for (const pb::Account& account : accounts.accounts()) {
    if (account.status() == pb::ACCOUNT_STATUS_ACTIVE &&
        active_members.contains(account.member_id())) {
      tradable.push_back(account.account_id());
    }
  }
  return tradable;
}

// What the generator may trade on the open business date, read through the API.
absl::StatusOr<FeedUniverse> LoadUniverse(const ApiConnection& api) {
  auto stub = pb::ReferenceDataService::NewStub(api.channel());
  pb::BusinessDate date;
  pb::ListProductsResponse products;
  pb::ListInstrumentsResponse instruments;
  pb::ListMembersResponse members;
  pb::ListAccountsResponse accounts;
  TC_RETURN_IF_ERROR(api.Call(*stub, &ReferenceStub::GetBusinessDate, {}, &date));
  TC_RETURN_IF_ERROR(api.Call(*stub, &ReferenceStub::ListProducts, {}, &products));
  TC_RETURN_IF_ERROR(api.Call(*stub, &ReferenceStub::ListInstruments, {}, &instruments));
  TC_RETURN_IF_ERROR(api.Call(*stub, &ReferenceStub::ListMembers, {}, &members));
  TC_RETURN_IF_ERROR(api.Call(*stub, &ReferenceStub::ListAccounts, {}, &accounts));
  FeedUniverse universe;
  universe.business_date = date.business_date();
  TC_ASSIGN_OR_RETURN(universe.instruments,
                      TradableInstruments(products, instruments, universe.business_date));
  universe.account_ids = TradableAccounts(members, accounts);
  if (universe.instruments.empty() || universe.account_ids.size() < 2) {
    return absl::FailedPreconditionError(absl::StrCat(
        "nothing to trade on ", universe.business_date, ": ", universe.instruments.size(),
        " instruments, ", universe.account_ids.size(), " accounts (run clearctl seed first)"));
  }
  return universe;
}

// The feeds: distinct ids, seeds and trade-id prefixes; the events split evenly.
std::vector<FeedPlan> PlanFeeds(const FeedUniverse& universe) {
  const int feeds = absl::GetFlag(FLAGS_feeds);
  const int64_t events = absl::GetFlag(FLAGS_events);
  const std::string date_digits = absl::StrReplaceAll(universe.business_date, {{"-", ""}});
  std::vector<FeedPlan> plans;
  for (int i = 1; i <= feeds; ++i) {
    FeedPlan plan;
    plan.feed_id = feeds == 1 ? absl::GetFlag(FLAGS_feed_id)
                              : absl::StrCat(absl::GetFlag(FLAGS_feed_id), "-", i);
    plan.options.seed = absl::GetFlag(FLAGS_seed) + (feeds == 1 ? 0 : i);
    plan.options.id_prefix = absl::StrCat(plan.feed_id, "-", date_digits);
    plan.options.session_start_seconds = int64_t{60} * absl::GetFlag(FLAGS_session_start_minute);
    plan.options.cancels_per_mille = absl::GetFlag(FLAGS_cancels_per_mille);
    plan.options.corrections_per_mille = absl::GetFlag(FLAGS_corrections_per_mille);
    plan.events = events / feeds + (i <= events % feeds ? 1 : 0);
    plans.push_back(std::move(plan));
  }
  return plans;
}

// Sends one batch, returns its results once the server has made them durable.
using BatchSender = std::function<absl::StatusOr<Results>(int64_t first_sequence, Events events)>;

// Generates events first_sequence..last_sequence and sends them in batches, one at a time.
absl::Status SendBatches(FeedGenerator& generator, int64_t first_sequence, int64_t last_sequence,
                         const BatchSender& send, FeedStats& stats) {
  const int64_t batch_size = absl::GetFlag(FLAGS_batch_size);
  for (int64_t next = first_sequence; next <= last_sequence;) {
    const int64_t count = std::min(batch_size, last_sequence - next + 1);
    Events events;
    for (int64_t i = 0; i < count; ++i) *events.Add() = generator.Next();
    const absl::Time start = absl::Now();
    TC_ASSIGN_OR_RETURN(Results results, send(next, std::move(events)));
    stats.ack_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    if (results.size() != count) {
      return absl::InternalError(absl::StrCat("batch at sequence ", next, ": ", results.size(),
                                              " results for ", count, " events"));
    }
    stats.sent += count;
    stats.Count(results);
    next += count;
    stats.acked_through = next - 1;
  }
  return absl::OkStatus();
}

absl::Duration BatchTimeout() { return absl::Seconds(absl::GetFlag(FLAGS_batch_timeout_s)); }

// Retries `attempt` while it fails in a way a failover explains, until --retry_s has passed.
// Every attempt carries the same ids, so a retry of work that did commit is acknowledged as
// ALREADY_ACCEPTED (batch) or skipped at logon (stream), never applied twice.
absl::Status WithRetries(FeedStats& stats, const std::function<absl::Status()>& attempt) {
  const absl::Time give_up = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_retry_s));
  absl::Duration pause = absl::Milliseconds(100);
  while (true) {
    const absl::Status status = attempt();
    const bool transient = absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
    if (!transient || absl::Now() + pause > give_up) return status;
    ++stats.retries;
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Seconds(2));
  }
}

absl::Status RunBatchFeed(const ApiConnection& api, const FeedUniverse& universe,
                          const FeedPlan& plan, FeedStats& stats) {
  auto stub = pb::TradeCaptureService::NewStub(api.channel());
  FeedGenerator generator(universe, plan.options);
  const BatchSender send = [&](int64_t, Events events) -> absl::StatusOr<Results> {
    pb::SubmitTradesRequest request;
    *request.mutable_events() = std::move(events);
    pb::SubmitTradesResponse response;
    TC_RETURN_IF_ERROR(WithRetries(stats, [&] {
      return api.Call(*stub, &TradeStub::SubmitTrades, request, &response, BatchTimeout());
    }));
    return std::move(*response.mutable_results());
  };
  return SendBatches(generator, 1, plan.events, send, stats);
}

// Logs on, skips the events the server already holds for the feed, sends the rest.
absl::Status StreamBatches(FeedStream& stream, const FeedUniverse& universe, const FeedPlan& plan,
                           FeedStats& stats) {
  pb::FeedMessage logon;
  logon.mutable_logon()->set_feed_id(plan.feed_id);
  pb::FeedReply reply;
  if (!stream.Write(logon) || !stream.Read(&reply)) {
    return absl::UnavailableError("the feed stream ended before the logon ack");
  }
  if (!reply.has_logon_ack()) return absl::InternalError("the server did not ack the logon");
  FeedGenerator generator(universe, plan.options);
  // Held before this session: what an earlier run sent, and, after a reconnect, a batch
  // whose commit the broken stream could not acknowledge.
  const int64_t held = std::min(reply.logon_ack().last_sequence(), plan.events);
  stats.skipped += std::max<int64_t>(held - stats.acked_through, 0);
  stats.acked_through = std::max(stats.acked_through, held);
  for (int64_t i = 0; i < held; ++i) generator.Next();

  const BatchSender send = [&](int64_t first_sequence, Events events) -> absl::StatusOr<Results> {
    pb::FeedMessage message;
    message.mutable_batch()->set_first_sequence(first_sequence);
    *message.mutable_batch()->mutable_events() = std::move(events);
    if (!stream.Write(message) || !stream.Read(&reply)) {
      return absl::UnavailableError("the feed stream ended");
    }
    if (!reply.has_batch_ack()) return absl::InternalError("the server did not ack a batch");
    return std::move(*reply.mutable_batch_ack()->mutable_results());
  };
  return SendBatches(generator, held + 1, plan.events, send, stats);
}

absl::Status RunStreamFeed(const ApiConnection& api, const FeedUniverse& universe,
                           const FeedPlan& plan, FeedStats& stats) {
  auto stub = pb::TradeCaptureService::NewStub(api.channel());
  const int64_t batches = plan.events / absl::GetFlag(FLAGS_batch_size) + 1;
  return WithRetries(stats, [&] {
    grpc::ClientContext context;
    api.Prepare(context, BatchTimeout() * (batches + 1));
    std::unique_ptr<FeedStream> stream = stub->StreamTrades(&context);
    const absl::Status sent = StreamBatches(*stream, universe, plan, stats);
    // Half-closing ends the server's read loop, so the call finishes even after a protocol
    // error of ours; a status from the server explains a stream that ended early.
    stream->WritesDone();
    const absl::Status finished = tc::tools::ToAbslStatus(stream->Finish());
    return finished.ok() ? sent : finished;
  });
}

// Nearest-rank percentile of `sorted`; 0 when it is empty.
double Percentile(const std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

void AddStatsRow(tc::tools::TextTable& table, const FeedStats& s) {
  table.AddRow({s.feed_id, absl::StrCat(s.sent), absl::StrCat(s.skipped), absl::StrCat(s.accepted),
                absl::StrCat(s.already_accepted), absl::StrCat(s.rejected)});
}

// Prints per-feed and total outcomes, throughput and latency; returns the total.
FeedStats Report(const std::vector<FeedStats>& feeds, absl::Duration elapsed) {
  tc::tools::TextTable table(
      {"FEED", "SENT", "SKIPPED", "ACCEPTED", "ALREADY_ACCEPTED", "REJECTED"});
  FeedStats total;
  total.feed_id = "total";
  for (const FeedStats& feed : feeds) {
    AddStatsRow(table, feed);
    total.Add(feed);
  }
  AddStatsRow(table, total);
  std::sort(total.ack_ms.begin(), total.ack_ms.end());
  const double seconds = absl::ToDoubleSeconds(elapsed);
  std::printf(
      "%selapsed %.3f s, %.0f events/s; ack latency per batch p50 %.1f ms, p99 %.1f ms"
      " (%zu batches)\n",
      table.Render().c_str(), seconds, seconds > 0 ? total.sent / seconds : 0.0,
      Percentile(total.ack_ms, 0.50), Percentile(total.ack_ms, 0.99), total.ack_ms.size());
  if (total.retries > 0) {
    std::printf("retries after UNAVAILABLE or DEADLINE_EXCEEDED (same ids): %lld\n",
                static_cast<long long>(total.retries));
  }
  if (!total.rejections.empty()) std::printf("first rejections:\n");
  for (const std::string& rejection : total.rejections) std::printf("  %s\n", rejection.c_str());
  return total;
}

bool FlagsAreValid() {
  const std::string mode = absl::GetFlag(FLAGS_mode);
  return (mode == "stream" || mode == "batch") && absl::GetFlag(FLAGS_feeds) >= 1 &&
         absl::GetFlag(FLAGS_batch_size) >= 1 && absl::GetFlag(FLAGS_events) >= 0 &&
         absl::GetFlag(FLAGS_batch_timeout_s) >= 1 && absl::GetFlag(FLAGS_retry_s) >= 0 &&
         absl::GetFlag(FLAGS_session_start_minute) >= 0 &&
         absl::GetFlag(FLAGS_session_start_minute) < 24 * 60;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "tokenclear exchange simulator: tradesim --token=EXCHANGE_TOKEN [--events=N] [--feeds=N] "
      "[--mode=stream|batch]");
  absl::ParseCommandLine(argc, argv);
  if (!FlagsAreValid()) {
    std::fprintf(stderr,
                 "tradesim: --mode is stream or batch; --feeds, --batch_size and "
                 "--batch_timeout_s are at least 1; --events and --retry_s are not negative; "
                 "--session_start_minute is 0..1439\n");
    return 2;
  }
  const ApiConnection api = ApiConnection::FromFlags();
  absl::StatusOr<FeedUniverse> universe = LoadUniverse(api);
  if (!universe.ok()) {
    std::fprintf(stderr, "tradesim: %s\n", universe.status().ToString().c_str());
    return 1;
  }
  const std::vector<FeedPlan> plans = PlanFeeds(*universe);
  const bool stream = absl::GetFlag(FLAGS_mode) == "stream";
  std::printf(
      "tradesim: %lld events on %zu %s feed(s) to %s, business date %s, %zu instruments, "
      "%zu accounts\n",
      static_cast<long long>(absl::GetFlag(FLAGS_events)), plans.size(),
      stream ? "stream" : "batch", api.target().c_str(), universe->business_date.c_str(),
      universe->instruments.size(), universe->account_ids.size());
  std::fflush(stdout);

  std::vector<FeedStats> stats(plans.size());
  std::vector<std::thread> threads;
  const absl::Time start = absl::Now();
  for (size_t i = 0; i < plans.size(); ++i) {
    threads.emplace_back([&, i] {
      stats[i].feed_id = plans[i].feed_id;
      stats[i].status = stream ? RunStreamFeed(api, *universe, plans[i], stats[i])
                               : RunBatchFeed(api, *universe, plans[i], stats[i]);
    });
  }
  for (std::thread& thread : threads) thread.join();
  const FeedStats total = Report(stats, absl::Now() - start);

  bool failed = false;
  for (const FeedStats& feed : stats) {
    if (feed.status.ok()) continue;
    std::fprintf(stderr, "tradesim: feed %s: %s\n", feed.feed_id.c_str(),
                 feed.status.ToString().c_str());
    failed = true;
  }
  if (total.rejected > 0 && !absl::GetFlag(FLAGS_allow_rejects)) {
    std::fprintf(stderr, "tradesim: %lld events rejected\n",
                 static_cast<long long>(total.rejected));
    failed = true;
  }
  return failed ? 1 : 0;
}
