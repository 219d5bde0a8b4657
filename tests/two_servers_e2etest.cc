// Two tokenclear servers on one database at once (issue 11 §2: a second instance for
// availability, e.g. behind a load balancer), end to end: two real tokenclear_server
// processes on one private PostgreSQL cluster (tests/private_cluster.h), the sample
// reference data from the real clearctl (deploy/seed/sample.textproto), and every kind of
// write sent to both at the same moment. Exactly once across both:
//
//   a. Trades. Rounds of the same SubmitTrades batch sent to both servers at once (the
//      second in reverse order every other round, so the two transactions lock the same
//      positions in opposite orders): each trade ACCEPTED by exactly one server and
//      ALREADY_ACCEPTED by the other, stored once; the same trade ID with other content
//      is REJECTED with ALREADY_EXISTS by either. A feed (StreamTrades) on server A,
//      then a logon on server B while A's session is still open: B's logon fences A's
//      session (A's next batch ends its stream with ABORTED, nothing stored), and B
//      resumes after the held sequence, replaying the last batch (ALREADY_ACCEPTED) and
//      going on. Stored: every trade once; net positions are what the accepted trades
//      imply; open interest long = short.
//   b. Approvals. The day's fixings computed on both at once (one fixing per index); the
//      settlement prices proposed on both at once (one pending proposal after); the risk
//      parameter set and the settlement prices approved (four eyes) on both at once: one
//      approval succeeds, the other is FAILED_PRECONDITION; one approved set, one OK
//      audit row each.
//   c. The end-of-day run started on both at once: one run (the other is refused while
//      it runs, ABORTED, or finds every step done, SKIPPED), each step once, one journal
//      entry per idempotency key, CheckLedger ok, ReplayEndOfDay identical, variation
//      margin sums to zero.
//
// Takes 5 s on an idle machine, up to 30 s on 2 shared busy cores. Prints the rounds each
// server won (usually both win some: the calls really race).
#include <grpcpp/grpcpp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <latch>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/bearer_call.h"
#include "tests/private_cluster.h"
#include "tests/sample_trades.h"
#include "tokenclear/v1/index.grpc.pb.h"
#include "tokenclear/v1/ledger.grpc.pb.h"
#include "tokenclear/v1/margin.grpc.pb.h"
#include "tokenclear/v1/reference_data.grpc.pb.h"
#include "tokenclear/v1/trade_capture.grpc.pb.h"
#include "tokenclear/v1/treasury.grpc.pb.h"

namespace tc::testing {
namespace {

namespace pb = ::tokenclear::v1;
using Channel = std::shared_ptr<grpc::Channel>;
using FeedStream = grpc::ClientReaderWriter<pb::FeedMessage, pb::FeedReply>;

constexpr char kAdminToken[] = "two-servers-admin-token-0001";
// Development tokens of deploy/seed/sample.textproto.
constexpr char kTreasury1[] = "dev-treasury-token-0001";
constexpr char kTreasury2[] = "dev-treasury2-token-0001";
constexpr char kRisk1[] = "dev-risk-token-0001";
constexpr char kRisk2[] = "dev-risk2-token-0001";
constexpr char kExchange[] = "dev-exchange-token-0001";
constexpr char kIndexProvider[] = "dev-index-provider-token-0001";
constexpr char kDay[] = "2026-12-30";
constexpr int kEodSteps = 11;

constexpr int kRounds = 6;
constexpr int kBatchTrades = 40;
constexpr int kFeedBatches = 6;
constexpr int kFeedBatchTrades = 25;
constexpr char kFeedId[] = "TWO-SERVERS-FEED";

// Runs `calls` at the same moment (each on its own thread, released together).
void AtOnce(std::vector<std::function<void()>> calls) {
  std::latch ready(static_cast<std::ptrdiff_t>(calls.size()));
  std::vector<std::thread> threads;
  for (std::function<void()>& call : calls) {
    threads.emplace_back([&ready, &call] {
      ready.arrive_and_wait();
      call();
    });
  }
  for (std::thread& thread : threads) thread.join();
}

// A StreamTrades call as the exchange, logged on to kFeedId.
struct FeedSession {
  grpc::ClientContext context;
  std::unique_ptr<FeedStream> stream;
  int64_t held = -1;  // the logon ack's last sequence
};

std::unique_ptr<FeedSession> Logon(const Channel& channel) {
  auto session = std::make_unique<FeedSession>();
  PrepareBearer(session->context, kExchange);
  session->stream = pb::TradeCaptureService::NewStub(channel)->StreamTrades(&session->context);
  pb::FeedMessage logon;
  logon.mutable_logon()->set_feed_id(kFeedId);
  pb::FeedReply reply;
  if (session->stream->Write(logon) && session->stream->Read(&reply) && reply.has_logon_ack()) {
    session->held = reply.logon_ack().last_sequence();
  }
  return session;
}

// Feed batch `b` (1-based): sequences (b-1)*kFeedBatchTrades+1 on.
pb::FeedMessage FeedBatch(int b) {
  pb::FeedMessage message;
  const int64_t first = int64_t{b - 1} * kFeedBatchTrades + 1;
  message.mutable_batch()->set_first_sequence(first);
  for (int64_t sequence = first; sequence < first + kFeedBatchTrades; ++sequence) {
    *message.mutable_batch()->add_events() = SampleTrade("TWO-F", sequence, kDay);
  }
  return message;
}

// Sends batch `b` and reads its ack; false when the stream ended instead.
bool SendBatch(FeedSession& session, int b, pb::FeedBatchAck* ack) {
  pb::FeedReply reply;
  if (!session.stream->Write(FeedBatch(b)) || !session.stream->Read(&reply)) return false;
  *ack = reply.batch_ack();
  return reply.has_batch_ack();
}

struct EodResult {
  grpc::Status status;
  std::optional<pb::EodRun> run;  // from the END message
  int skipped = 0;
  std::string steps;  // "1 CLOSE_TRADING DONE, ..." for failure messages
};

EodResult RunEndOfDay(const Channel& channel) {
  EodResult result;
  grpc::ClientContext context;
  PrepareBearer(context, kTreasury1);
  pb::RunEndOfDayRequest request;
  request.set_business_date(kDay);
  auto reader = pb::TreasuryService::NewStub(channel)->RunEndOfDay(&context, request);
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

class TwoServersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (getuid() == 0 && getpwnam("postgres") == nullptr) {
      GTEST_SKIP() << "run as root, and there is no postgres user to run PostgreSQL as";
    }
    const absl::Status created = postgres_.Create("two_servers");
    ASSERT_TRUE(created.ok()) << created << "\n" << postgres_.Logs();
    url_ = postgres_.Url("two_servers");
    tools_log_ = postgres_.folder() + "/tools.log";
    a_ptr_ = std::make_unique<ServerProcess>(TC_SERVER_BINARY, kAdminToken, postgres_.folder());
    b_ptr_ = std::make_unique<ServerProcess>(TC_SERVER_BINARY, kAdminToken, postgres_.folder());
    a_ = a_ptr_.get();
    b_ = b_ptr_.get();
    // Both start on the empty database at once: the migrations must serialize.
    absl::Status started_a, started_b;
    AtOnce({[&] { started_a = a_->Start(url_); }, [&] { started_b = b_->Start(url_); }});
    ASSERT_TRUE(started_a.ok()) << started_a << "\n" << a_->Log();
    ASSERT_TRUE(started_b.ok()) << started_b << "\n" << b_->Log();
    ASSERT_NO_FATAL_FAILURE(Tool({TC_CLEARCTL_BINARY, absl::StrCat("--target=", a_->target()),
                                  absl::StrCat("--token=", kAdminToken), "seed",
                                  TC_SOURCE_DIR "/deploy/seed/sample.textproto",
                                  absl::StrCat("--business_date=", kDay)}));
    ASSERT_NO_FATAL_FAILURE(Tool({TC_CLEARCTL_BINARY, absl::StrCat("--target=", a_->target()),
                                  absl::StrCat("--token=", kRisk1), "load-index",
                                  TC_SOURCE_DIR "/deploy/seed/index_history.csv"}));
    // Server B learns the seeded principals within its cache's second of staleness.
    grpc::Status known;
    for (int attempt = 0; attempt < 50; ++attempt) {
      pb::ListProductsResponse products;
      known = CallAsRetrying(b_->channel(), &pb::ReferenceDataService::Stub::ListProducts,
                             kExchange, pb::ListProductsRequest(), &products);
      if (known.ok()) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    ASSERT_TRUE(known.ok()) << "server B does not know the seeded exchange: "
                            << known.error_message();
  }

  void Tool(std::vector<std::string> argv) {
    const absl::Status status = RunCommand(argv, tools_log_, absl::Seconds(120));
    std::ifstream file(tools_log_);
    std::string text((std::istreambuf_iterator<char>(file)), {});
    ASSERT_TRUE(status.ok()) << status << "\n"
                             << text.substr(text.size() > 3000 ? text.size() - 3000 : 0);
  }

  // The same call on both servers at once; the two statuses (A's, B's).
  template <typename Stub, typename Request, typename Response>
  std::pair<grpc::Status, grpc::Status> OnBoth(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      const std::string& token, const Request& request, Response* from_a, Response* from_b) {
    std::pair<grpc::Status, grpc::Status> statuses;
    AtOnce(
        {[&] { statuses.first = CallAsRetrying(a_->channel(), method, token, request, from_a); },
         [&] { statuses.second = CallAsRetrying(b_->channel(), method, token, request, from_b); }});
    return statuses;
  }

  // Exactly one of the two succeeded and the other was refused as already done.
  static void ExpectOnce(const std::pair<grpc::Status, grpc::Status>& statuses,
                         absl::string_view what) {
    EXPECT_NE(statuses.first.ok(), statuses.second.ok())
        << what << ": A " << statuses.first.error_code() << " " << statuses.first.error_message()
        << "; B " << statuses.second.error_code() << " " << statuses.second.error_message();
    const grpc::Status& refused = statuses.first.ok() ? statuses.second : statuses.first;
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
        << what << ": " << refused.error_message();
  }

  int64_t Count(const std::string& sql) {
    pqxx::connection connection(url_);
    return pqxx::nontransaction(connection).exec1(sql)[0].as<int64_t>();
  }

  PrivatePostgres postgres_;
  // Made once the cluster's folder exists. PrivatePostgres's guardian kills the server
  // started last if the test process is killed; the other ends with ctest's process tree.
  std::unique_ptr<ServerProcess> a_ptr_, b_ptr_;
  ServerProcess* a_ = nullptr;
  ServerProcess* b_ = nullptr;
  std::string url_, tools_log_;
};

TEST_F(TwoServersTest, FeedsApprovalsAndTheEndOfDayStayExactlyOnceAcrossBothServers) {
  const absl::Time start = absl::Now();
  // a. The same batches on both servers at once.
  std::set<std::string> accepted;  // every trade ID accepted, by either server
  int64_t duplicates = 0;
  // Rounds whose trades A accepted all of, none of (B did), or some of: a batch is one
  // transaction, so the loser waits for the winner's commit (a unique key) or deadlocks
  // with it (the reversed rounds) and is retried by its server, finding the trades there.
  std::map<std::string, int> rounds_won;
  for (int round = 0; round < kRounds; ++round) {
    pb::SubmitTradesRequest request, reversed;
    for (int i = 0; i < kBatchTrades; ++i) {
      *request.add_events() = SampleTrade("TWO-S", int64_t{round} * kBatchTrades + i, kDay);
    }
    reversed = request;
    if (round % 2 == 1) {
      std::reverse(reversed.mutable_events()->begin(), reversed.mutable_events()->end());
    }
    pb::SubmitTradesResponse from_a, from_b;
    std::pair<grpc::Status, grpc::Status> statuses;
    AtOnce({[&] {
              statuses.first =
                  CallAsRetrying(a_->channel(), &pb::TradeCaptureService::Stub::SubmitTrades,
                                 kExchange, request, &from_a);
            },
            [&] {
              statuses.second =
                  CallAsRetrying(b_->channel(), &pb::TradeCaptureService::Stub::SubmitTrades,
                                 kExchange, reversed, &from_b);
            }});
    ASSERT_TRUE(statuses.first.ok()) << statuses.first.error_message() << "\n" << a_->Log();
    ASSERT_TRUE(statuses.second.ok()) << statuses.second.error_message() << "\n" << b_->Log();
    const auto accepted_by_a = std::count_if(
        from_a.results().begin(), from_a.results().end(),
        [](const pb::TradeResult& r) { return r.outcome() == pb::TRADE_OUTCOME_ACCEPTED; });
    ++rounds_won[accepted_by_a == kBatchTrades ? "A" : accepted_by_a == 0 ? "B" : "split"];
    std::map<std::string, std::vector<pb::TradeOutcome>> outcomes;
    for (const pb::SubmitTradesResponse* response : {&from_a, &from_b}) {
      ASSERT_EQ(response->results_size(), kBatchTrades);
      for (const pb::TradeResult& result : response->results()) {
        outcomes[result.key()].push_back(result.outcome());
      }
    }
    for (auto& [key, seen] : outcomes) {
      std::sort(seen.begin(), seen.end());
      EXPECT_EQ(seen, (std::vector<pb::TradeOutcome>{pb::TRADE_OUTCOME_ACCEPTED,
                                                     pb::TRADE_OUTCOME_ALREADY_ACCEPTED}))
          << key << " in round " << round;
      accepted.insert(key);
      ++duplicates;
    }
  }
  // The same trade ID with other content: refused by either server, nothing written.
  for (const ServerProcess* server : {a_, b_}) {
    pb::SubmitTradesRequest changed;
    *changed.add_events() = SampleTrade("TWO-S", 0, kDay);
    changed.mutable_events(0)->mutable_trade()->set_quantity(99);
    pb::SubmitTradesResponse response;
    ASSERT_TRUE(CallAsRetrying(server->channel(), &pb::TradeCaptureService::Stub::SubmitTrades,
                               kExchange, changed, &response)
                    .ok());
    ASSERT_EQ(response.results_size(), 1);
    EXPECT_EQ(response.results(0).outcome(), pb::TRADE_OUTCOME_REJECTED);
    EXPECT_EQ(response.results(0).code(), grpc::StatusCode::ALREADY_EXISTS)
        << response.results(0).message();
  }

  // The feed: on A, then B logs on while A's session is open and takes the feed over.
  std::unique_ptr<FeedSession> on_a = Logon(a_->channel());
  ASSERT_EQ(on_a->held, 0) << "logon on A refused";
  constexpr int kBatchesOnA = kFeedBatches / 2;
  for (int b = 1; b <= kBatchesOnA; ++b) {
    pb::FeedBatchAck ack;
    ASSERT_TRUE(SendBatch(*on_a, b, &ack)) << "batch " << b << " on A";
    EXPECT_EQ(ack.last_sequence(), int64_t{b} * kFeedBatchTrades);
  }
  std::unique_ptr<FeedSession> on_b = Logon(b_->channel());
  ASSERT_EQ(on_b->held, int64_t{kBatchesOnA} * kFeedBatchTrades) << "logon on B";
  // A's session is fenced: its next batch ends its stream, and nothing of it is stored.
  pb::FeedBatchAck fenced_ack;
  EXPECT_FALSE(SendBatch(*on_a, kBatchesOnA + 1, &fenced_ack))
      << "a batch of the superseded session on A was acknowledged";
  on_a->stream->WritesDone();
  const grpc::Status fenced = on_a->stream->Finish();
  EXPECT_EQ(fenced.error_code(), grpc::StatusCode::ABORTED) << fenced.error_message();
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM trades WHERE trade_id >= 'TWO-F-",
                               absl::StrFormat("%06d", kBatchesOnA * kFeedBatchTrades + 1), "'",
                               " AND trade_id LIKE 'TWO-F-%'")),
            0)
      << "the fenced session's batch was stored";
  // B resumes: the last batch A had acknowledged again (a replay), then the rest.
  for (int b = kBatchesOnA; b <= kFeedBatches; ++b) {
    pb::FeedBatchAck ack;
    ASSERT_TRUE(SendBatch(*on_b, b, &ack)) << "batch " << b << " on B";
    ASSERT_EQ(ack.results_size(), kFeedBatchTrades);
    for (const pb::TradeResult& result : ack.results()) {
      EXPECT_EQ(result.outcome(),
                b == kBatchesOnA ? pb::TRADE_OUTCOME_ALREADY_ACCEPTED : pb::TRADE_OUTCOME_ACCEPTED)
          << result.key() << " in batch " << b;
    }
  }
  on_b->stream->WritesDone();
  EXPECT_TRUE(on_b->stream->Finish().ok());
  for (int64_t sequence = 1; sequence <= int64_t{kFeedBatches} * kFeedBatchTrades; ++sequence) {
    accepted.insert(SampleTrade("TWO-F", sequence, kDay).trade().trade_id());
  }

  {
    pqxx::connection connection(url_);
    pqxx::work tx(connection);
    std::set<std::string> stored;
    int64_t rows = 0;
    for (const pqxx::row& r : tx.exec("SELECT trade_id FROM trades")) {
      stored.insert(r[0].c_str());
      ++rows;
    }
    EXPECT_EQ(rows, static_cast<int64_t>(accepted.size())) << "a trade stored twice";
    EXPECT_EQ(stored, accepted);
    EXPECT_EQ(tx.exec_params1("SELECT last_sequence FROM feeds WHERE feed_id = $1", kFeedId)[0]
                  .as<int64_t>(),
              int64_t{kFeedBatches} * kFeedBatchTrades);
    std::map<std::pair<std::string, std::string>, int64_t> expected, actual;
    for (const std::string& id : accepted) {
      const size_t dash = id.rfind('-');
      int64_t n = 0;
      ASSERT_TRUE(absl::SimpleAtoi(id.substr(dash + 1), &n)) << id;
      const pb::Trade trade = SampleTrade(id.substr(0, dash), n, kDay).trade();
      expected[{trade.buyer_account_id(), trade.instrument_id()}] += trade.quantity();
      expected[{trade.seller_account_id(), trade.instrument_id()}] -= trade.quantity();
    }
    std::erase_if(expected, [](const auto& entry) { return entry.second == 0; });
    for (const pqxx::row& r :
         tx.exec("SELECT account_id, instrument_id, long_quantity - short_quantity FROM positions "
                 "WHERE long_quantity <> short_quantity")) {
      actual[{r[0].c_str(), r[1].c_str()}] = r[2].as<int64_t>();
    }
    EXPECT_EQ(actual, expected) << "net positions differ from the accepted trades";
    for (const pqxx::row& r :
         tx.exec("SELECT instrument_id, sum(long_quantity), sum(short_quantity) FROM positions "
                 "GROUP BY 1")) {
      EXPECT_EQ(r[1].as<int64_t>(), r[2].as<int64_t>()) << "open interest of " << r[0].c_str();
    }
  }

  // b. The day's inputs; every approval sent to both servers at once.
  ASSERT_NO_FATAL_FAILURE(
      Tool({TC_INDEXSIM_BINARY, absl::StrCat("--target=", a_->target()),
            absl::StrCat("--token=", kIndexProvider), absl::StrCat("--date=", kDay),
            "--index=TOKFRONT=3.00,TOKOPEN=0.45", "--seed=8", "--drift_bps=15"}));
  for (const char* index : {"TOKFRONT", "TOKOPEN"}) {
    pb::ComputeFixingRequest fix;
    fix.set_index_code(index);
    fix.set_business_date(kDay);
    pb::IndexFixing from_a, from_b;
    const auto statuses =
        OnBoth(&pb::IndexService::Stub::ComputeFixing, kTreasury1, fix, &from_a, &from_b);
    EXPECT_TRUE(statuses.first.ok() || statuses.second.ok())
        << index << ": " << statuses.first.error_message() << "; "
        << statuses.second.error_message();
    if (statuses.first.ok() && statuses.second.ok()) {
      EXPECT_EQ(from_a.value_micros(), from_b.value_micros()) << index;
    }
  }
  EXPECT_EQ(
      Count(absl::StrCat("SELECT count(*) FROM index_fixings WHERE fixing_date = '", kDay, "'")),
      2);
  pb::SubmitSettlementPricesRequest submit;
  submit.set_business_date(kDay);
  for (const SampleInstrument& listed : kSampleInstruments) {
    pb::ExchangeSettlementPrice* price = submit.add_prices();
    price->set_instrument_id(listed.instrument_id);
    price->set_price_micros(listed.price_micros + 3 * listed.tick_micros);
  }
  pb::SubmitSettlementPricesResponse submitted;
  ASSERT_TRUE(CallAsRetrying(a_->channel(), &pb::TreasuryService::Stub::SubmitSettlementPrices,
                             kExchange, submit, &submitted)
                  .ok());
  pb::CalibrateParametersRequest calibrate;
  calibrate.set_business_date(kDay);
  pb::RiskParameterSet set;
  grpc::Status s = CallAsRetrying(a_->channel(), &pb::MarginService::Stub::CalibrateParameters,
                                  kRisk1, calibrate, &set);
  ASSERT_TRUE(s.ok()) << "CalibrateParameters: " << s.error_message();
  pb::ApproveParameterSetRequest approve_set;
  approve_set.set_version(set.version());
  pb::RiskParameterSet set_a, set_b;
  ExpectOnce(
      OnBoth(&pb::MarginService::Stub::ApproveParameterSet, kRisk2, approve_set, &set_a, &set_b),
      "ApproveParameterSet");
  // Proposals are not keyed (each is a new version, superseding the pending one), but two
  // at once must still leave one pending proposal: the second either follows the first
  // or collides with it on the version and is refused, writing nothing.
  pb::ProposeSettlementPricesRequest propose;
  propose.set_business_date(kDay);
  pb::SettlementPriceSet proposal_a, proposal_b;
  const auto proposed = OnBoth(&pb::TreasuryService::Stub::ProposeSettlementPrices, kTreasury1,
                               propose, &proposal_a, &proposal_b);
  EXPECT_TRUE(proposed.first.ok() || proposed.second.ok());
  for (const grpc::Status& status : {proposed.first, proposed.second}) {
    EXPECT_TRUE(status.ok() || status.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
        << "ProposeSettlementPrices: " << status.error_code() << " " << status.error_message();
  }
  ASSERT_EQ(Count(absl::StrCat("SELECT count(*) FROM settlement_price_sets WHERE business_date = '",
                               kDay, "' AND status = 'PROPOSED'")),
            1);
  const char* const proposals =
      proposed.first.ok() && proposed.second.ok() ? "both OK, one superseded" : "one refused";
  pb::SettlementPriceSet proposal;
  proposal.set_version(static_cast<int>(
      Count(absl::StrCat("SELECT version FROM settlement_price_sets WHERE business_date = '", kDay,
                         "' AND status = 'PROPOSED'"))));
  pb::ApproveSettlementPricesRequest approve_prices;
  approve_prices.set_business_date(kDay);
  approve_prices.set_version(proposal.version());
  pb::SettlementPriceSet prices_a, prices_b;
  ExpectOnce(OnBoth(&pb::TreasuryService::Stub::ApproveSettlementPrices, kTreasury2, approve_prices,
                    &prices_a, &prices_b),
             "ApproveSettlementPrices");
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM risk_parameter_sets WHERE business_date = '",
                               kDay, "' AND status = 'APPROVED'")),
            1);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM settlement_price_sets WHERE business_date = '",
                               kDay, "' AND status = 'APPROVED'")),
            1);
  for (const char* action : {"ApproveParameterSet", "ApproveSettlementPrices"}) {
    EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM audit_log WHERE action = '", action,
                                 "' AND outcome = 'OK'")),
              1)
        << action;
  }

  // c. The end-of-day run started on both servers at once.
  EodResult on_a_run, on_b_run;
  AtOnce({[&] { on_a_run = RunEndOfDay(a_->channel()); },
          [&] { on_b_run = RunEndOfDay(b_->channel()); }});
  int complete = 0;
  for (const EodResult* result : {&on_a_run, &on_b_run}) {
    if (result->status.ok()) {
      ASSERT_TRUE(result->run.has_value()) << result->steps;
      EXPECT_EQ(result->run->status(), pb::EOD_RUN_STATUS_COMPLETE) << result->steps;
      ++complete;
    } else {
      EXPECT_EQ(result->status.error_code(), grpc::StatusCode::ABORTED)
          << result->status.error_message() << ": " << result->steps;
    }
  }
  EXPECT_GE(complete, 1) << "A: " << on_a_run.status.error_message() << " " << on_a_run.steps
                         << "\nB: " << on_b_run.status.error_message() << " " << on_b_run.steps;
  // Whichever was refused, asked again, finds the day done: every step SKIPPED.
  const EodResult again = RunEndOfDay(on_a_run.status.ok() ? b_->channel() : a_->channel());
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_EQ(again.skipped, kEodSteps) << again.steps;
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM eod_runs WHERE business_date = '", kDay,
                               "' AND status = 'COMPLETE' AND steps_done = ", kEodSteps)),
            1);
  EXPECT_EQ(
      Count(absl::StrCat("SELECT count(*) FROM eod_steps WHERE business_date = '", kDay, "'")),
      kEodSteps);
  EXPECT_EQ(Count("SELECT count(*) - count(DISTINCT idempotency_key) FROM journal_entries"), 0)
      << "a journal entry posted twice";
  EXPECT_GT(Count("SELECT count(*) FROM journal_entries"), 0);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(DISTINCT trade_id) FROM vm_trade_marks WHERE "
                               "business_date = '",
                               kDay, "'")),
            static_cast<int64_t>(accepted.size()))
      << "every trade of the day is marked once";
  EXPECT_EQ(Count(absl::StrCat("SELECT (SELECT coalesce(sum(amount_micros), 0) FROM "
                               "vm_trade_marks WHERE business_date = '",
                               kDay,
                               "') + (SELECT coalesce(sum(amount_micros), 0) FROM "
                               "vm_position_marks WHERE business_date = '",
                               kDay, "')")),
            0)
      << "variation margin sums to zero";
  for (const ServerProcess* server : {a_, b_}) {
    pb::CheckLedgerResponse check;
    s = CallAsRetrying(server->channel(), &pb::LedgerService::Stub::CheckLedger, kTreasury1,
                       pb::CheckLedgerRequest(), &check);
    ASSERT_TRUE(s.ok()) << "CheckLedger: " << s.error_message();
    EXPECT_TRUE(check.ok()) << check.ShortDebugString();
  }
  pb::ReplayEndOfDayRequest replay;
  replay.set_business_date(kDay);
  pb::ReplayEndOfDayResponse replayed;
  s = CallAsRetrying(b_->channel(), &pb::TreasuryService::Stub::ReplayEndOfDay, kTreasury1, replay,
                     &replayed);
  ASSERT_TRUE(s.ok()) << "ReplayEndOfDay: " << s.error_message();
  EXPECT_TRUE(replayed.identical()) << replayed.ShortDebugString();

  EXPECT_EQ(a_->Stop(), 0) << a_->Log();
  EXPECT_EQ(b_->Stop(), 0) << b_->Log();
  std::printf(
      "two servers: %zu trades accepted once (%lld sent to both at once, each once "
      "ALREADY_ACCEPTED; rounds accepted by A %d, by B %d, split %d), a feed of %d batches moved "
      "from A to B mid-stream; proposals at once: %s; end of day: A %s, "
      "B %s; %.1f s\n",
      accepted.size(), static_cast<long long>(duplicates), rounds_won["A"], rounds_won["B"],
      rounds_won["split"], kFeedBatches, proposals,
      on_a_run.status.ok() ? "ran" : "refused (ABORTED)",
      on_b_run.status.ok() ? "ran" : "refused (ABORTED)",
      absl::ToDoubleSeconds(absl::Now() - start));
  std::fflush(stdout);
}

}  // namespace
}  // namespace tc::testing
