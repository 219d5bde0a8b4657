// End-of-day settlement through the real server, channel and PostgreSQL (no mocks):
//   - a worked example over three business days, every amount computed by hand below and
//     compared with ListVariationMargin (micros and cents), the ledger balances and
//     CheckLedger: carried positions, same-day trades, a same-day cancel and correction,
//     a day-2 cancel of a day-1 trade, a gross customer account long and short, house and
//     customer kept apart, and the expiry of a month at its index fixing (FINAL);
//   - four eyes and the refusals, each with its status, the field and value, nothing
//     written;
//   - a finished date run again changes nothing, and its replay gives identical digests,
//     also after the next day is settled;
//   - a run stopped after FREEZE_POSITIONS and resumed equals a run without the stop;
//   - a seeded random three-day workload against an independent model in this file.
#include <cstdint>
#include <cstdio>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "core/business_date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "settlement/eod_step.h"
#include "settlement/position_freeze.h"
#include "store/settlement_store.h"
#include "tests/settlement_desk.h"
#include "tests/test_clearing_house.h"
#include "tokenclear/v1/index.grpc.pb.h"
#include "tokenclear/v1/ledger.grpc.pb.h"
#include "tokenclear/v1/margin.grpc.pb.h"
#include "tokenclear/v1/member.grpc.pb.h"
#include "tokenclear/v1/treasury.grpc.pb.h"

namespace tc::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kD1[] = "2026-11-23";  // Monday, the seeded open date
constexpr char kD2[] = "2026-11-24";
constexpr char kD3[] = "2026-11-25";
constexpr char kDec[] = "TKF-202612";
constexpr char kNov[] = "TKF-202611";  // added by the tests: final settlement on kD2
constexpr char kJan[] = "TKF-202701";  // added by the random workload

absl::CivilDay Day(const std::string& text) {
  absl::CivilDay day;
  EXPECT_TRUE(absl::ParseCivilTime(text, &day)) << text;
  return day;
}

absl::Time At(const std::string& date, int hour, int minute, int second = 0) {
  const absl::CivilDay d = Day(date);
  return absl::FromCivil(absl::CivilSecond(d.year(), d.month(), d.day(), hour, minute, second),
                         absl::UTCTimeZone());
}

pb::Trade T(const std::string& id, const std::string& instrument, const std::string& buyer,
            const std::string& seller, int64_t quantity, int64_t price, const std::string& date,
            pb::PositionEffect buyer_effect = pb::POSITION_EFFECT_OPEN,
            pb::PositionEffect seller_effect = pb::POSITION_EFFECT_OPEN) {
  pb::Trade trade = TestClearingHouse::Trade(id, quantity);
  trade.set_instrument_id(instrument);
  trade.set_buyer_account_id(buyer);
  trade.set_seller_account_id(seller);
  trade.set_price_micros(price);
  trade.set_trade_date(date);
  // 14:30 UTC: outside the 15:30-16:00 settlement window (the prices here are EXCHANGE).
  trade.mutable_executed_at()->set_seconds(absl::ToUnixSeconds(At(date, 14, 30)));
  trade.mutable_executed_at()->set_nanos(0);
  trade.set_buyer_position_effect(buyer_effect);
  trade.set_seller_position_effect(seller_effect);
  return trade;
}

// The advisory-lock key of a date's run (RunLockKey in services/treasury/eod_runner.cc).
int64_t RunLockKey(const std::string& date) {
  return (int64_t{0x454F44} << 32) | static_cast<int64_t>(Day(date) - absl::CivilDay(1970, 1, 1));
}

struct EodCall {
  grpc::Status status;
  std::vector<pb::EodProgress> progress;  // without the END message
  pb::EodRun run;                         // from the END message
  std::vector<std::string> Phases() const {
    std::vector<std::string> out;
    for (const pb::EodProgress& p : progress) out.push_back(absl::StrCat(p.step(), ":", p.phase()));
    return out;
  }
};

// One clearing house seen through its RPCs, plus a SQL reader for counts and rows.
class Desk {
 public:
  explicit Desk(TestClearingHouse& house) : house_(house) {
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", house.server().port()),
                                   grpc::InsecureChannelCredentials());
    treasury_ = pb::TreasuryService::NewStub(channel_);
    ledger_ = pb::LedgerService::NewStub(channel_);
    index_ = pb::IndexService::NewStub(channel_);
    margin_ = pb::MarginService::NewStub(channel_);
  }

  template <typename Stub, typename Method, typename Request, typename Response>
  static grpc::Status Call(Stub& stub, Method method, const std::string& token,
                           const Request& request, Response* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, token);
    return (stub.*method)(&context, request, response);
  }

  TestClearingHouse& house() { return house_; }
  pb::TreasuryService::Stub& treasury() { return *treasury_; }

  // 60 business days of TOKFRONT ending on the open date: calibration's look-back.
  void LoadHistory() { LoadIndexHistory(channel_); }

  // The risk parameters the INITIAL_MARGIN step needs: risk1 calibrates, risk2 approves.
  void CalibrateAndApprove(const std::string& date) {
    tc::testing::CalibrateAndApprove(channel_, date);
  }

  void AddInstrument(const std::string& id, const std::string& month, const std::string& last,
                     const std::string& final_day) {
    pb::UpsertInstrumentRequest request;
    pb::Instrument* i = request.mutable_instrument();
    i->set_instrument_id(id);
    i->set_product_code("TKF");
    i->set_contract_month(month);
    i->set_last_trading_date(last);
    i->set_final_settlement_date(final_day);
    i->set_status(pb::INSTRUMENT_STATUS_ACTIVE);
    pb::Instrument out;
    grpc::Status status =
        Call(*house_.ReferenceData(), &pb::ReferenceDataService::Stub::UpsertInstrument,
             kAdminToken, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void SubmitOk(const std::vector<pb::TradeEvent>& events) {
    const pb::SubmitTradesResponse response = house_.Submit(events);
    ASSERT_EQ(response.results_size(), static_cast<int>(events.size()));
    for (const pb::TradeResult& r : response.results()) {
      ASSERT_EQ(r.outcome(), pb::TRADE_OUTCOME_ACCEPTED) << r.ShortDebugString();
    }
  }

  grpc::Status SubmitPrices(const std::string& date,
                            const std::vector<std::pair<std::string, int64_t>>& prices,
                            const std::string& token = kExchangeToken) {
    pb::SubmitSettlementPricesRequest request;
    request.set_business_date(date);
    for (const auto& [id, price] : prices) {
      pb::ExchangeSettlementPrice* p = request.add_prices();
      p->set_instrument_id(id);
      p->set_price_micros(price);
    }
    pb::SubmitSettlementPricesResponse response;
    return Call(*treasury_, &pb::TreasuryService::Stub::SubmitSettlementPrices, token, request,
                &response);
  }

  pb::SettlementPriceSet Propose(const std::string& date) {
    pb::ProposeSettlementPricesRequest request;
    request.set_business_date(date);
    pb::SettlementPriceSet set;
    grpc::Status status = Call(*treasury_, &pb::TreasuryService::Stub::ProposeSettlementPrices,
                               kTreasuryToken, request, &set);
    EXPECT_TRUE(status.ok()) << date << ": " << status.error_message();
    return set;
  }

  grpc::Status Approve(const std::string& date, int version, const std::string& token,
                       pb::SettlementPriceSet* set) {
    pb::ApproveSettlementPricesRequest request;
    request.set_business_date(date);
    request.set_version(version);
    return Call(*treasury_, &pb::TreasuryService::Stub::ApproveSettlementPrices, token, request,
                set);
  }

  pb::SettlementPriceSet ProposeAndApprove(const std::string& date) {
    const pb::SettlementPriceSet proposed = Propose(date);
    pb::SettlementPriceSet approved;
    grpc::Status status = Approve(date, proposed.version(), kTreasury2Token, &approved);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(approved.status(), pb::PRICE_SET_STATUS_APPROVED);
    return approved;
  }

  EodCall RunEod(const std::string& date, const std::string& stop_after = "") {
    pb::RunEndOfDayRequest request;
    request.set_business_date(date);
    request.set_stop_after_step(stop_after);
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, kTreasuryToken);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(240)));
    std::unique_ptr<grpc::ClientReader<pb::EodProgress>> reader =
        treasury_->RunEndOfDay(&context, request);
    EodCall call;
    pb::EodProgress message;
    while (reader->Read(&message)) {
      if (message.phase() == "END") {
        call.run = message.run();
      } else {
        call.progress.push_back(message);
      }
    }
    call.status = reader->Finish();
    return call;
  }

  grpc::Status RunStatus(const std::string& date, pb::EodRun* run) {
    pb::GetEndOfDayStatusRequest request;
    request.set_business_date(date);
    return Call(*treasury_, &pb::TreasuryService::Stub::GetEndOfDayStatus, kTreasuryToken, request,
                run);
  }

  // Calibrates, submits the exchange prices, four-eyes approves and runs the whole day.
  void SettleDay(const std::string& date,
                 const std::vector<std::pair<std::string, int64_t>>& prices) {
    CalibrateAndApprove(date);
    if (!prices.empty()) {
      grpc::Status status = SubmitPrices(date, prices);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    ProposeAndApprove(date);
    const EodCall call = RunEod(date);
    ASSERT_TRUE(call.status.ok()) << date << ": " << call.status.error_message();
    ASSERT_EQ(call.run.status(), pb::EOD_RUN_STATUS_COMPLETE) << call.run.ShortDebugString();
    ASSERT_EQ(call.run.steps_done(), settlement::kEodStepCount);
  }

  // "CM01/HOUSE/DAILY" -> {amount_micros, amount_cents}.
  std::map<std::string, std::pair<int64_t, int64_t>> Vm(
      const std::string& date, const std::string& member = "",
      const std::string& token = kTreasuryToken,
      std::map<std::string, int64_t>* residuals = nullptr) {
    pb::ListVariationMarginRequest request;
    request.set_business_date(date);
    request.set_member_id(member);
    pb::ListVariationMarginResponse response;
    grpc::Status status = Call(*treasury_, &pb::TreasuryService::Stub::ListVariationMargin, token,
                               request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, std::pair<int64_t, int64_t>> out;
    for (const pb::OriginVariationMargin& o : response.origins()) {
      EXPECT_EQ(o.currency(), "USD");
      out[absl::StrCat(o.member_id(), "/", o.origin() == pb::ORIGIN_HOUSE ? "HOUSE" : "CUSTOMER",
                       "/", o.kind())] = {o.amount_micros(), o.amount_cents()};
    }
    if (residuals != nullptr) {
      for (const pb::RoundingResidual& r : response.residuals()) {
        (*residuals)[r.kind()] = r.ccp_rounding_cents();
      }
    }
    return out;
  }

  // ledger_account_id -> balance_cents.
  std::map<std::string, int64_t> Balances() {
    pb::ListLedgerBalancesResponse response;
    grpc::Status status = Call(*ledger_, &pb::LedgerService::Stub::ListLedgerBalances,
                               kRegulatorToken, pb::ListLedgerBalancesRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, int64_t> out;
    for (const pb::LedgerBalance& b : response.balances()) {
      out[b.account().ledger_account_id()] = b.balance_cents();
    }
    return out;
  }

  void ExpectLedgerOk() {
    pb::CheckLedgerResponse response;
    grpc::Status status = Call(*ledger_, &pb::LedgerService::Stub::CheckLedger, kTreasuryToken,
                               pb::CheckLedgerRequest(), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(response.ok()) << response.ShortDebugString();
    EXPECT_EQ(response.unbalanced_entries(), 0);
    EXPECT_EQ(response.balance_mismatches(), 0);
    EXPECT_EQ(response.settlement_nonzero_dates(), 0);
    EXPECT_EQ(response.variation_margin_nonzero_dates(), 0);
  }

  grpc::Status Correct(const std::string& date, const std::string& instrument, int64_t price,
                       const std::string& reason, pb::SettlementPriceSet* set,
                       const std::string& token = kTreasuryToken) {
    pb::CorrectSettlementPricesRequest request;
    request.set_business_date(date);
    request.set_reason(reason);
    pb::PriceCorrection* p = request.add_prices();
    p->set_instrument_id(instrument);
    p->set_price_micros(price);
    return Call(*treasury_, &pb::TreasuryService::Stub::CorrectSettlementPrices, token, request,
                set);
  }

  // The fixing of TOKFRONT on `date` from observations all at `value`: one just before the
  // window and one every 30 s through it, so every partition's median, and their mean, is
  // `value`.
  void FixIndex(const std::string& date, int64_t value) {
    pb::SubmitIndexObservationsRequest request;
    for (int i = -1; i < 60; ++i) {
      pb::IndexObservation* o = request.add_observations();
      o->set_observation_id(absl::StrCat("OBS-", date, "-", i + 1));
      o->set_index_code("TOKFRONT");
      o->set_value_micros(value);
      o->mutable_observed_at()->set_seconds(
          absl::ToUnixSeconds(At(date, 15, 30) + absl::Seconds(30 * i)));
      o->set_provider("testprovider");
      o->set_methodology_version("v1");
    }
    pb::SubmitIndexObservationsResponse submitted;
    grpc::Status status = Call(*index_, &pb::IndexService::Stub::SubmitIndexObservations,
                               kIndexProviderToken, request, &submitted);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const pb::ObservationResult& r : submitted.results()) {
      ASSERT_EQ(r.outcome(), pb::OBSERVATION_OUTCOME_ACCEPTED) << r.ShortDebugString();
    }
    pb::ComputeFixingRequest fix;
    fix.set_index_code("TOKFRONT");
    fix.set_business_date(date);
    pb::IndexFixing fixing;
    status = Call(*index_, &pb::IndexService::Stub::ComputeFixing, kTreasuryToken, fix, &fixing);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(fixing.value_micros(), value);
  }

  int64_t Count(const std::string& sql) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    return tx.exec1(sql)[0].as<int64_t>();
  }

  // Every row of `sql`, its fields joined by '|'.
  std::vector<std::string> Rows(const std::string& sql) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    std::vector<std::string> out;
    for (const pqxx::row& r : tx.exec(sql)) {
      std::vector<std::string> fields;
      for (const pqxx::field& f : r) fields.push_back(f.is_null() ? "NULL" : f.c_str());
      out.push_back(absl::StrJoin(fields, "|"));
    }
    return out;
  }

  void Exec(const std::string& sql) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    tx.exec(sql);
    tx.commit();
  }

  // What the end-of-day run and the ledger hold, row counts per table.
  std::map<std::string, int64_t> TableCounts() {
    std::map<std::string, int64_t> out;
    for (const char* table :
         {"eod_runs", "eod_steps", "eod_positions", "vm_position_marks", "vm_trade_marks",
          "vm_origin_totals", "vm_rounding", "journal_entries", "journal_lines", "ledger_accounts",
          "settlement_price_sets", "business_days", "positions"}) {
      out[table] = Count(absl::StrCat("SELECT count(*) FROM ", table));
    }
    return out;
  }

  // Gross positions from PositionService: "account/instrument" -> {long, short}, non-zero.
  std::map<std::string, std::pair<int64_t, int64_t>> GrossPositions() {
    pb::ListPositionsResponse response;
    grpc::Status status = Call(*house_.Positions(), &pb::PositionService::Stub::ListPositions,
                               kTreasuryToken, pb::ListPositionsRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, std::pair<int64_t, int64_t>> out;
    for (const pb::Position& p : response.positions()) {
      if (p.long_quantity() == 0 && p.short_quantity() == 0) continue;
      out[absl::StrCat(p.account_id(), "/", p.instrument_id())] = {p.long_quantity(),
                                                                   p.short_quantity()};
    }
    return out;
  }

 private:
  TestClearingHouse& house_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::TreasuryService::Stub> treasury_;
  std::unique_ptr<pb::LedgerService::Stub> ledger_;
  std::unique_ptr<pb::IndexService::Stub> index_;
  std::unique_ptr<pb::MarginService::Stub> margin_;
};

using Amounts = std::map<std::string, std::pair<int64_t, int64_t>>;

int64_t Get(const std::map<std::string, int64_t>& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? 0 : it->second;
}

// A member's positions of `date` through MemberService.GetPositions, one text row each,
// and whether they came frozen from the run.
std::pair<bool, std::vector<std::string>> MemberPositions(TestClearingHouse& house,
                                                          const std::string& token,
                                                          const std::string& date) {
  auto stub = pb::MemberService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", house.server().port()), grpc::InsecureChannelCredentials()));
  pb::GetPositionsRequest request;
  request.set_business_date(date);
  pb::GetPositionsResponse response;
  const grpc::Status status =
      Desk::Call(*stub, &pb::MemberService::Stub::GetPositions, token, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> rows;
  for (const pb::MemberPosition& p : response.positions()) rows.push_back(p.ShortDebugString());
  return {response.frozen(), rows};
}

// The day's legs summed by the database (store::SumDayLegs, what a member's open-date
// positions read), as text, against settlement::SumLegs over store::LoadDayTrades (what
// the run freezes from): every account, then each member's accounts only.
void ExpectDatabaseSumsTheRunsLegs(const std::string& url, const std::string& date) {
  pqxx::connection connection(url);
  pqxx::work tx(connection);
  auto text = [](const std::vector<settlement::TradedQuantity>& rows, const std::string& member) {
    std::vector<std::string> out;
    for (const settlement::TradedQuantity& q : rows) {
      if (!member.empty() && !q.account_id.starts_with(member + "-")) continue;
      out.push_back(absl::StrCat(q.account_id, " ", q.instrument_id, " +", q.bought, " -", q.sold));
    }
    return out;
  };
  absl::StatusOr<std::vector<settlement::TradedQuantity>> expected =
      settlement::SumLegs(store::LoadDayTrades(tx, Day(date)));
  ASSERT_TRUE(expected.ok()) << expected.status();
  ASSERT_FALSE(expected->empty());
  for (const std::string member : {"", "CM01", "CM02"}) {
    EXPECT_EQ(text(store::SumDayLegs(tx, Day(date), member), ""), text(*expected, member))
        << "member '" << member << "'";
  }
}

class EodTest : public ::testing::Test {
 protected:
  TestClearingHouse house_;
  Desk desk_{house_};
};

// ---------------------------------------------------------------------------------------
// 1 + 3: the worked example; a finished date run again; replays.
// ---------------------------------------------------------------------------------------
TEST_F(EodTest, WorkedExampleOverThreeDaysWithExpiryRerunAndReplay) {
  // TKF-202611 settles on kD2. UpsertInstrument accepts any last trading date up to the
  // final settlement date, so the month is added through the admin API (the product's
  // calendar rule is not applied to an upserted month).
  desk_.AddInstrument(kNov, "202611", kD2, kD2);
  desk_.LoadHistory();

  // ---- Day 1, 2026-11-23 ----
  desk_.SubmitOk({
      NewTradeEvent(T("E-T1", kDec, "CM01-H", "CM02-H", 10, 3'125'000, kD1)),
      NewTradeEvent(T("E-T2", kDec, "CM01-C1", "CM02-C1", 4, 3'130'000, kD1)),
      // CM01-C1 sells 2, opening a short beside its long 4: a gross customer account.
      NewTradeEvent(T("E-T3", kDec, "CM02-H", "CM01-C1", 2, 3'120'000, kD1)),
      NewTradeEvent(T("E-T4", kDec, "CM01-H", "CM02-H", 5, 3'135'000, kD1)),
      NewTradeEvent(T("E-T5", kDec, "CM02-C1", "CM01-C2", 3, 3'140'000, kD1)),
      NewTradeEvent(T("E-T6", kNov, "CM01-H", "CM02-C1", 6, 3'100'000, kD1)),
      NewTradeEvent(T("E-T7", kDec, "CM01-H", "CM02-H", 2, 3'125'000, kD1)),
  });
  desk_.SubmitOk({CancelEvent("E-T4"),  // a same-day bust: no VM at all
                  CorrectionEvent("E-T5", T("E-T5R", kDec, "CM02-C1", "CM01-C2", 3, 3'115'000,
                                            kD1))});  // corrected price 3.115000
  ASSERT_TRUE(desk_.SubmitPrices(kD1, {{kDec, 3'150'000}, {kNov, 3'110'000}}).ok());
  {
    desk_.CalibrateAndApprove(kD1);
    const pb::SettlementPriceSet set = desk_.ProposeAndApprove(kD1);
    ASSERT_EQ(set.prices_size(), 2);
    for (const pb::SettlementPrice& p : set.prices()) {
      EXPECT_EQ(p.tier(), pb::PRICE_TIER_EXCHANGE) << p.ShortDebugString();
      EXPECT_EQ(p.previous_settlement_micros(), 0);
    }
    const EodCall call = desk_.RunEod(kD1);
    ASSERT_TRUE(call.status.ok()) << call.status.error_message();
    ASSERT_EQ(call.run.status(), pb::EOD_RUN_STATUS_COMPLETE);
    EXPECT_EQ(call.run.next_business_date(), kD2);
    // STARTED and DONE for each step.
    EXPECT_EQ(call.progress.size(), 2u * settlement::kEodStepCount);
  }
  // Day 1 VM, no carried positions; trades (S - P) x signed q x 1000, S(Dec) = 3.150000,
  // S(Nov) = 3.110000:
  //   T1  CM01-H +10 @3.125000: 25,000 x 10 x 1000 = +250,000,000; CM02-H -250,000,000
  //   T2  CM01-C1 +4 @3.130000: 20,000 x 4 x 1000 =   +80,000,000; CM02-C1 -80,000,000
  //   T3  CM02-H +2 @3.120000:  30,000 x 2 x 1000 =   +60,000,000; CM01-C1 -60,000,000
  //   T4  cancelled the same day: nothing
  //   T5R CM02-C1 +3 @3.115000: 35,000 x 3 x 1000 = +105,000,000; CM01-C2 -105,000,000
  //   T6  Nov CM01-H +6 @3.100000: 10,000 x 6 x 1000 = +60,000,000; CM02-C1 -60,000,000
  //   T7  CM01-H +2 @3.125000:  25,000 x 2 x 1000 =   +50,000,000; CM02-H -50,000,000
  // CM01 HOUSE    = 250M + 60M + 50M        = +360,000,000 micros = +36,000 cents
  // CM01 CUSTOMER = (80M - 60M) - 105M      =  -85,000,000        =  -8,500
  // CM02 HOUSE    = -250M + 60M - 50M       = -240,000,000        = -24,000
  // CM02 CUSTOMER = -80M + 105M - 60M       =  -35,000,000        =  -3,500   (sum 0)
  EXPECT_EQ(desk_.Vm(kD1, "CM01"), (Amounts{{"CM01/HOUSE/DAILY", {360'000'000, 36'000}},
                                            {"CM01/CUSTOMER/DAILY", {-85'000'000, -8'500}}}));
  EXPECT_EQ(desk_.Vm(kD1, "CM02"), (Amounts{{"CM02/HOUSE/DAILY", {-240'000'000, -24'000}},
                                            {"CM02/CUSTOMER/DAILY", {-35'000'000, -3'500}}}));
  // A member sees its own origins only, and no CCP residual.
  std::map<std::string, int64_t> member_residuals;
  EXPECT_EQ(desk_.Vm(kD1, "", kCm01Token, &member_residuals).size(), 2u);
  EXPECT_TRUE(member_residuals.empty());
  EXPECT_EQ(desk_.Count("SELECT count(*) FROM vm_trade_marks WHERE trade_id IN ('E-T4', 'E-T5')"),
            0);
  // Positions at the end of day 1 (house net, customer gross).
  EXPECT_EQ(desk_.GrossPositions(), (Amounts{{"CM01-H/TKF-202612", {12, 0}},
                                             {"CM01-H/TKF-202611", {6, 0}},
                                             {"CM02-H/TKF-202612", {0, 10}},
                                             {"CM01-C1/TKF-202612", {4, 2}},
                                             {"CM02-C1/TKF-202612", {3, 4}},
                                             {"CM02-C1/TKF-202611", {0, 6}},
                                             {"CM01-C2/TKF-202612", {0, 3}}}));
  // Ledger: a member that collects X has its cash account credited (-X).
  {
    std::map<std::string, int64_t> b = desk_.Balances();
    EXPECT_EQ(Get(b, "CM01:HOUSE:CASH:USD"), -36'000);
    EXPECT_EQ(Get(b, "CM01:CUSTOMER:CASH:USD"), 8'500);
    EXPECT_EQ(Get(b, "CM02:HOUSE:CASH:USD"), 24'000);
    EXPECT_EQ(Get(b, "CM02:CUSTOMER:CASH:USD"), 3'500);
    EXPECT_EQ(Get(b, "CCP:VM_SETTLEMENT:USD"), 0);
    EXPECT_EQ(Get(b, "CCP:ROUNDING:USD"), 0);
  }
  desk_.ExpectLedgerOk();

  // ---- Day 2, 2026-11-24: TKF-202611's final settlement date ----
  // Trade capture refuses to cancel a trade of a closed day (only trades of the open date
  // can be amended: clearing/batch_plan.cc CheckAmendable)...
  {
    const pb::SubmitTradesResponse refused = house_.Submit({CancelEvent("E-T7", "late bust")});
    ASSERT_EQ(refused.results_size(), 1);
    EXPECT_EQ(refused.results(0).outcome(), pb::TRADE_OUTCOME_REJECTED);
    EXPECT_EQ(refused.results(0).code(), grpc::FAILED_PRECONDITION);
    EXPECT_THAT(refused.results(0).message(), HasSubstr("E-T7"));
    EXPECT_THAT(refused.results(0).message(), HasSubstr(kD1));
  }
  desk_.SubmitOk({
      NewTradeEvent(T("E-T8", kDec, "CM02-H", "CM01-H", 4, 3'160'000, kD2)),
      NewTradeEvent(T("E-T9", kNov, "CM02-H", "CM01-C2", 1, 3'105'000, kD2)),
      NewTradeEvent(T("E-T9B", kNov, "CM02-H", "CM02-C1", 1, 3'105'000, kD2)),
      NewTradeEvent(T("E-T10", kDec, "CM01-C2", "CM02-C1", 2, 3'170'000, kD2)),
  });
  desk_.SubmitOk({CorrectionEvent(
      "E-T10", T("E-T10R", kDec, "CM01-C2", "CM02-C1", 1, 3'165'000, kD2))});  // q 2 -> 1
  // ...so the day-2 cancel of day-1 trade T7 is stored the way a cancellation of a
  // closed day's trade would be (trade_cancellations dated kD2, positions reversed), with
  // SQL, to exercise the end-of-day reversal path (store::LoadDayTrades: a trade of an
  // earlier date cancelled today is a leg with buyer and seller swapped).
  desk_.Exec(absl::StrCat(
      "INSERT INTO trade_cancellations (trade_id, kind, reason, payload_sha256, business_date,"
      " submitted_by) VALUES ('E-T7', 'CANCEL', 'late bust', decode(repeat('00', 32), 'hex'), '",
      kD2,
      "', 'exch1');"
      "UPDATE positions SET long_quantity = long_quantity - 2"
      " WHERE account_id = 'CM01-H' AND instrument_id = 'TKF-202612';"
      "UPDATE positions SET short_quantity = short_quantity - 2"
      " WHERE account_id = 'CM02-H' AND instrument_id = 'TKF-202612';"));
  // The final settlement price: the fixing, 3.101235 (not on the 0.005 tick).
  desk_.FixIndex(kD2, 3'101'235);
  ASSERT_TRUE(desk_.SubmitPrices(kD2, {{kDec, 3'145'000}}).ok());
  {
    desk_.CalibrateAndApprove(kD2);
    const pb::SettlementPriceSet set = desk_.ProposeAndApprove(kD2);
    std::map<std::string, std::string> tiers;
    for (const pb::SettlementPrice& p : set.prices()) {
      tiers[p.instrument_id()] = absl::StrCat(pb::PriceTier_Name(p.tier()), " ", p.price_micros(),
                                              " ", p.previous_settlement_micros());
    }
    EXPECT_EQ(tiers,
              (std::map<std::string, std::string>{{kDec, "PRICE_TIER_EXCHANGE 3145000 3150000"},
                                                  {kNov, "PRICE_TIER_FINAL 3101235 3110000"}}));
    // Day 2 has every kind of leg: trades, a same-day correction (T10 -> T10R), an
    // earlier day's trade cancelled today (T7, reversed) and an expiring month. A member's
    // open-date positions (its own rows, legs summed by the database) must be the rows
    // the run then freezes from the whole book.
    ExpectDatabaseSumsTheRunsLegs(house_.database_url(), kD2);
    const auto cm01_open = MemberPositions(house_, kCm01Token, kD2);
    const auto cm02_open = MemberPositions(house_, kCm02Token, kD2);
    EXPECT_FALSE(cm01_open.first);
    const EodCall call = desk_.RunEod(kD2);
    ASSERT_TRUE(call.status.ok()) << call.status.error_message();
    ASSERT_EQ(call.run.status(), pb::EOD_RUN_STATUS_COMPLETE);
    const auto cm01_frozen = MemberPositions(house_, kCm01Token, kD2);
    EXPECT_TRUE(cm01_frozen.first);
    EXPECT_EQ(cm01_frozen.second, cm01_open.second);
    EXPECT_EQ(MemberPositions(house_, kCm02Token, kD2).second, cm02_open.second);
    EXPECT_EQ(cm01_open.second.size(), 5u);  // CM01-H Dec and Nov, C1 Dec, C2 Dec and Nov
  }
  // Day 2 DAILY (Dec), S2 = 3.145000, S1 = 3.150000: carried (S2 - S1) x net x 1000 =
  // -5,000,000 per net contract:
  //   CM01-H long 12: -60,000,000   CM02-H short 10: +50,000,000
  //   CM01-C1 long 4 -20,000,000, short 2 +10,000,000: -10,000,000
  //   CM02-C1 long 3 -15,000,000, short 4 +20,000,000: +5,000,000
  //   CM01-C2 short 3: +15,000,000
  // trades:
  //   T8   CM02-H +4 @3.160000: -15,000 x 4 x 1000 = -60,000,000; CM01-H +60,000,000
  //   T7   cancelled today, reversed at its price: CM01-H (S2 - P) x (-2) x 1000 =
  //        20,000 x -2 x 1000 = -40,000,000; CM02-H +40,000,000
  //   T10R CM01-C2 +1 @3.165000: -20,000 x 1 x 1000 = -20,000,000; CM02-C1 +20,000,000
  //   T10  corrected: nothing
  // CM01 HOUSE    = -60M + 60M - 40M = -40,000,000 = -4,000 cents
  // CM02 HOUSE    = +50M - 60M + 40M = +30,000,000 = +3,000
  // CM01 CUSTOMER = -10M + 15M - 20M = -15,000,000 = -1,500
  // CM02 CUSTOMER = +5M + 20M        = +25,000,000 = +2,500     (sum 0, no residual)
  // Day 2 FINAL (Nov), F = 3.101235, S1 = 3.110000: carried (F - S1) = -8,765:
  //   CM01-H long 6: -8,765 x 6 x 1000 = -52,590,000; CM02-C1 short 6: +52,590,000
  //   T9  CM02-H +1 @3.105000: -3,765 x 1 x 1000 = -3,765,000; CM01-C2 +3,765,000
  //   T9B CM02-H +1 @3.105000: -3,765,000;                     CM02-C1 +3,765,000
  // CM01 HOUSE    = -52,590,000            -> -5,259 cents (exact)
  // CM01 CUSTOMER =  +3,765,000 = 376.5    ->   +377 (half away from zero)
  // CM02 HOUSE    =  -7,530,000            ->   -753
  // CM02 CUSTOMER = +56,355,000 = 5,635.5  -> +5,636
  // micros sum 0; cents sum -5,259 + 377 - 753 + 5,636 = +1, so the CCP's rounding
  // account pays a cent: ccp_rounding_cents = -1.
  std::map<std::string, int64_t> residuals;
  EXPECT_EQ(desk_.Vm(kD2, "", kTreasuryToken, &residuals),
            (Amounts{{"CM01/HOUSE/DAILY", {-40'000'000, -4'000}},
                     {"CM01/CUSTOMER/DAILY", {-15'000'000, -1'500}},
                     {"CM02/HOUSE/DAILY", {30'000'000, 3'000}},
                     {"CM02/CUSTOMER/DAILY", {25'000'000, 2'500}},
                     {"CM01/HOUSE/FINAL", {-52'590'000, -5'259}},
                     {"CM01/CUSTOMER/FINAL", {3'765'000, 377}},
                     {"CM02/HOUSE/FINAL", {-7'530'000, -753}},
                     {"CM02/CUSTOMER/FINAL", {56'355'000, 5'636}}}));
  EXPECT_EQ(Get(residuals, "DAILY"), 0);
  EXPECT_EQ(Get(residuals, "FINAL"), -1);
  EXPECT_EQ(desk_.Rows(absl::StrCat("SELECT account_id, signed_quantity, price_micros,"
                                    " settlement_micros, amount_micros FROM vm_trade_marks"
                                    " WHERE business_date = '",
                                    kD2, "' AND trade_id = 'E-T7' ORDER BY account_id")),
            (std::vector<std::string>{"CM01-H|-2|3125000|3145000|-40000000",
                                      "CM02-H|2|3125000|3145000|40000000"}));
  // Expiry: the month is EXPIRED and its positions are zero.
  EXPECT_EQ(desk_.Rows("SELECT status FROM instruments WHERE instrument_id = 'TKF-202611'"),
            std::vector<std::string>{"EXPIRED"});
  EXPECT_EQ(desk_.GrossPositions(), (Amounts{{"CM01-H/TKF-202612", {6, 0}},
                                             {"CM02-H/TKF-202612", {0, 4}},
                                             {"CM01-C1/TKF-202612", {4, 2}},
                                             {"CM02-C1/TKF-202612", {3, 5}},
                                             {"CM01-C2/TKF-202612", {1, 3}}}));
  // Ledger after day 2 (cumulative; member balance = minus what it collected):
  //   CM01 HOUSE    collected 36,000 - 4,000 - 5,259 = 26,741 -> -26,741
  //   CM01 CUSTOMER -8,500 - 1,500 + 377 = -9,623              -> +9,623
  //   CM02 HOUSE    -24,000 + 3,000 - 753 = -21,753            -> +21,753
  //   CM02 CUSTOMER -3,500 + 2,500 + 5,636 = 4,636             -> -4,636
  //   CCP:ROUNDING: the residual -1 on the settlement account, +1 here.
  const std::map<std::string, int64_t> after_day2 = desk_.Balances();
  EXPECT_EQ(Get(after_day2, "CM01:HOUSE:CASH:USD"), -26'741);
  EXPECT_EQ(Get(after_day2, "CM01:CUSTOMER:CASH:USD"), 9'623);
  EXPECT_EQ(Get(after_day2, "CM02:HOUSE:CASH:USD"), 21'753);
  EXPECT_EQ(Get(after_day2, "CM02:CUSTOMER:CASH:USD"), -4'636);
  EXPECT_EQ(Get(after_day2, "CCP:ROUNDING:USD"), 1);
  EXPECT_EQ(Get(after_day2, "CCP:VM_SETTLEMENT:USD"), 0);
  EXPECT_EQ(Get(after_day2, "CCP:FINAL_SETTLEMENT:USD"), 0);
  EXPECT_EQ(
      desk_.Rows(absl::StrCat("SELECT idempotency_key FROM journal_entries WHERE"
                              " business_date = '",
                              kD2, "' AND idempotency_key LIKE 'FS/%' ORDER BY 1")),
      (std::vector<std::string>{"FS/2026-11-24/CM01/CUSTOMER/USD", "FS/2026-11-24/CM01/HOUSE/USD",
                                "FS/2026-11-24/CM02/CUSTOMER/USD", "FS/2026-11-24/CM02/HOUSE/USD",
                                "FS/2026-11-24/ROUNDING/USD"}));
  desk_.ExpectLedgerOk();

  // 3. Day 2 run again: every step SKIPPED, nothing written, balances identical.
  {
    const std::map<std::string, int64_t> counts = desk_.TableCounts();
    const EodCall again = desk_.RunEod(kD2);
    ASSERT_TRUE(again.status.ok()) << again.status.error_message();
    EXPECT_EQ(again.run.status(), pb::EOD_RUN_STATUS_COMPLETE);
    ASSERT_EQ(again.progress.size(), static_cast<size_t>(settlement::kEodStepCount));
    for (const pb::EodProgress& p : again.progress) EXPECT_EQ(p.phase(), "SKIPPED") << p.step();
    EXPECT_EQ(desk_.TableCounts(), counts);
    EXPECT_EQ(desk_.Balances(), after_day2);
  }
  auto expect_replay_identical = [&](const std::string& date) {
    pb::ReplayEndOfDayRequest request;
    request.set_business_date(date);
    pb::ReplayEndOfDayResponse replay;
    grpc::Status status = Desk::Call(desk_.treasury(), &pb::TreasuryService::Stub::ReplayEndOfDay,
                                     kRegulatorToken, request, &replay);
    ASSERT_TRUE(status.ok()) << date << ": " << status.error_message();
    EXPECT_TRUE(replay.identical()) << date << ": " << replay.ShortDebugString();
    std::vector<std::string> steps;
    for (const pb::ReplayedStep& s : replay.steps()) {
      steps.push_back(s.step());
      EXPECT_TRUE(s.identical()) << date << " " << s.ShortDebugString();
      EXPECT_EQ(s.recorded_outputs_sha256(), s.replayed_outputs_sha256());
    }
    EXPECT_EQ(steps, (std::vector<std::string>{"FREEZE_POSITIONS", "MARK_TO_MARKET",
                                               "LEDGER_POSTINGS", "REPORTS_READY"}));
  };
  expect_replay_identical(kD1);
  expect_replay_identical(kD2);

  // ---- Day 3, 2026-11-25: the expired month is gone ----
  {
    const pb::SubmitTradesResponse refused =
        house_.Submit({NewTradeEvent(T("E-T11", kNov, "CM01-H", "CM02-H", 1, 3'100'000, kD3))});
    ASSERT_EQ(refused.results_size(), 1);
    EXPECT_EQ(refused.results(0).code(), grpc::FAILED_PRECONDITION);
  }
  ASSERT_NO_FATAL_FAILURE(desk_.SettleDay(kD3, {{kDec, 3'155'000}}));
  // Day 3, S3 = 3.155000, S2 = 3.145000: +10,000 x net x 1000 = +10,000,000 per contract:
  //   CM01-H long 6: +60,000,000 = +6,000 cents      CM02-H short 4: -40,000,000 = -4,000
  //   CM01-C1 long 4, short 2: +20,000,000; CM01-C2 long 1, short 3: -20,000,000;
  //   CM01 CUSTOMER = 0      CM02-C1 long 3, short 5: -20,000,000 = -2,000   (sum 0)
  EXPECT_EQ(desk_.Vm(kD3), (Amounts{{"CM01/HOUSE/DAILY", {60'000'000, 6'000}},
                                    {"CM01/CUSTOMER/DAILY", {0, 0}},
                                    {"CM02/HOUSE/DAILY", {-40'000'000, -4'000}},
                                    {"CM02/CUSTOMER/DAILY", {-20'000'000, -2'000}}}));
  EXPECT_EQ(desk_.Count(absl::StrCat("SELECT count(*) FROM eod_positions WHERE business_date = '",
                                     kD3, "' AND instrument_id = 'TKF-202611'")),
            0);
  EXPECT_EQ(desk_.Count(absl::StrCat("SELECT count(*) FROM vm_position_marks WHERE"
                                     " business_date = '",
                                     kD3, "' AND instrument_id = 'TKF-202611'")),
            0);
  const std::map<std::string, int64_t> after_day3 = desk_.Balances();
  EXPECT_EQ(Get(after_day3, "CM01:HOUSE:CASH:USD"), -26'741 - 6'000);
  EXPECT_EQ(Get(after_day3, "CM01:CUSTOMER:CASH:USD"), 9'623);
  EXPECT_EQ(Get(after_day3, "CM02:HOUSE:CASH:USD"), 21'753 + 4'000);
  EXPECT_EQ(Get(after_day3, "CM02:CUSTOMER:CASH:USD"), -4'636 + 2'000);
  EXPECT_EQ(Get(after_day3, "CCP:ROUNDING:USD"), 1);
  desk_.ExpectLedgerOk();
  EXPECT_EQ(house_.CheckedOpenInterest(), 14);

  // 3. After the next day has been settled the earlier dates still replay identically,
  // and running them again changes nothing.
  expect_replay_identical(kD1);
  expect_replay_identical(kD2);
  expect_replay_identical(kD3);
  {
    const std::map<std::string, int64_t> counts = desk_.TableCounts();
    for (const char* date : {kD1, kD2}) {
      const EodCall again = desk_.RunEod(date);
      ASSERT_TRUE(again.status.ok()) << date << ": " << again.status.error_message();
      EXPECT_EQ(again.run.status(), pb::EOD_RUN_STATUS_COMPLETE);
      EXPECT_EQ(again.progress.size(), static_cast<size_t>(settlement::kEodStepCount));
      for (const pb::EodProgress& p : again.progress) EXPECT_EQ(p.phase(), "SKIPPED");
    }
    EXPECT_EQ(desk_.TableCounts(), counts);
    EXPECT_EQ(desk_.Balances(), after_day3);
  }
}

// ---------------------------------------------------------------------------------------
// 2: four eyes and refusals.
// ---------------------------------------------------------------------------------------
TEST_F(EodTest, FourEyesAndRefusalsWriteNothing) {
  desk_.LoadHistory();
  desk_.SubmitOk({NewTradeEvent(T("R-1", kDec, "CM01-H", "CM02-H", 3, 3'125'000, kD1))});
  const std::string prices_sql = "SELECT count(*) FROM exchange_settlement_prices";

  // A price off the tick, in second place: the whole request is refused.
  grpc::Status status = desk_.SubmitPrices(kD1, {{kDec, 3'150'000}, {kDec, 3'150'001}});
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("prices[1].price_micros 3150001"));
  EXPECT_THAT(status.error_message(), HasSubstr("tick"));
  // Not positive.
  for (int64_t bad : {int64_t{0}, int64_t{-5'000}}) {
    status = desk_.SubmitPrices(kD1, {{kDec, bad}});
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr(absl::StrCat("prices[0].price_micros ", bad)));
  }
  // An unknown instrument.
  status = desk_.SubmitPrices(kD1, {{kDec, 3'150'000}, {"TKF-209912", 3'150'000}});
  EXPECT_EQ(status.error_code(), grpc::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("prices[1].instrument_id 'TKF-209912'"));
  // Only the exchange submits.
  status = desk_.SubmitPrices(kD1, {{kDec, 3'150'000}}, kTreasuryToken);
  EXPECT_EQ(status.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_EQ(desk_.Count(prices_sql), 0);

  // Approving one's own proposal.
  ASSERT_TRUE(desk_.SubmitPrices(kD1, {{kDec, 3'150'000}}).ok());
  const pb::SettlementPriceSet proposed = desk_.Propose(kD1);
  ASSERT_EQ(proposed.status(), pb::PRICE_SET_STATUS_PROPOSED);
  pb::SettlementPriceSet set;
  status = desk_.Approve(kD1, proposed.version(), kTreasuryToken, &set);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("four eyes"));
  EXPECT_THAT(status.error_message(), HasSubstr("treasury1"));
  EXPECT_EQ(desk_.Rows("SELECT status, coalesce(approved_by, '') FROM settlement_price_sets"),
            std::vector<std::string>{"PROPOSED|"});

  // stop_after_step that is not a step; a date that is not open; the run held elsewhere.
  EodCall call = desk_.RunEod(kD1, "NOT_A_STEP");
  EXPECT_EQ(call.status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(call.status.error_message(), HasSubstr("stop_after_step 'NOT_A_STEP'"));
  call = desk_.RunEod(kD2);
  EXPECT_EQ(call.status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(call.status.error_message(), HasSubstr("business_date 2026-11-24 is not the open"));
  {
    pqxx::connection holder(house_.database_url());
    pqxx::nontransaction n(holder);
    n.exec_params("SELECT pg_advisory_lock($1)", RunLockKey(kD1));
    call = desk_.RunEod(kD1);
    EXPECT_EQ(call.status.error_code(), grpc::ABORTED);
    EXPECT_THAT(call.status.error_message(), HasSubstr("2026-11-23 is already running"));
    n.exec_params("SELECT pg_advisory_unlock($1)", RunLockKey(kD1));
  }
  EXPECT_EQ(desk_.Count("SELECT count(*) FROM eod_runs"), 0);
  EXPECT_EQ(desk_.Count("SELECT count(*) FROM eod_steps"), 0);
  EXPECT_EQ(desk_.Rows("SELECT status FROM business_days"), std::vector<std::string>{"OPEN"});

  // Risk parameters now: calibration is refused once the date is closed (see
  // ARunFailedAtInitialMarginCanBeResumed).
  desk_.CalibrateAndApprove(kD1);
  // A run before the prices are approved stops FAILED at LOCK_PRICES.
  call = desk_.RunEod(kD1);
  EXPECT_EQ(call.status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(call.status.error_message(), HasSubstr("not approved"));
  pb::EodRun run;
  ASSERT_TRUE(desk_.RunStatus(kD1, &run).ok());
  EXPECT_EQ(run.status(), pb::EOD_RUN_STATUS_FAILED);
  EXPECT_EQ(run.steps_done(), 1);
  EXPECT_EQ(run.next_step(), "LOCK_PRICES");
  EXPECT_THAT(run.message(), HasSubstr("LOCK_PRICES"));
  EXPECT_THAT(run.message(), HasSubstr("awaits a second treasurer"));
  EXPECT_EQ(desk_.Count("SELECT count(*) FROM eod_positions"), 0);
  EXPECT_EQ(desk_.Count("SELECT count(*) FROM journal_entries"), 0);

  // Trading is closed: a trade is refused.
  {
    pb::SubmitTradesRequest request;
    *request.add_events() = NewTradeEvent(T("R-2", kDec, "CM01-H", "CM02-H", 1, 3'125'000, kD1));
    pb::SubmitTradesResponse response;
    status = Desk::Call(*house_.TradeCapture(), &pb::TradeCaptureService::Stub::SubmitTrades,
                        kExchangeToken, request, &response);
    EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
    EXPECT_THAT(status.error_message(), HasSubstr("trades are refused"));
    EXPECT_EQ(desk_.Count("SELECT count(*) FROM trades"), 1);
  }

  // Approved by a second treasurer, the run resumes and completes.
  ASSERT_TRUE(desk_.Approve(kD1, proposed.version(), kTreasury2Token, &set).ok());
  EXPECT_EQ(set.approved_by(), "treasury2");
  call = desk_.RunEod(kD1);
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  EXPECT_EQ(call.run.status(), pb::EOD_RUN_STATUS_COMPLETE);
  ASSERT_FALSE(call.progress.empty());
  EXPECT_EQ(call.progress[0].step(), "CLOSE_TRADING");
  EXPECT_EQ(call.progress[0].phase(), "SKIPPED");
  EXPECT_EQ(call.run.steps_size(), settlement::kEodStepCount);
  // R-1: CM01-H +3 @3.125000, S = 3.150000: 25,000 x 3 x 1000 = +75,000,000 = 7,500 cents.
  EXPECT_EQ(desk_.Vm(kD1), (Amounts{{"CM01/HOUSE/DAILY", {75'000'000, 7'500}},
                                    {"CM02/HOUSE/DAILY", {-75'000'000, -7'500}}}));
  // A locked set cannot be approved again or re-proposed.
  status = desk_.Approve(kD1, proposed.version(), kTreasury2Token, &set);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  desk_.ExpectLedgerOk();
}

// A run that fails at INITIAL_MARGIN for want of approved risk parameters must be
// recoverable: the risk role calibrates (or approves) the date's set and treasury resumes.
TEST_F(EodTest, ARunFailedAtInitialMarginCanBeResumed) {
  desk_.LoadHistory();
  desk_.SubmitOk({NewTradeEvent(T("I-1", kDec, "CM01-H", "CM02-H", 3, 3'125'000, kD1))});
  ASSERT_TRUE(desk_.SubmitPrices(kD1, {{kDec, 3'150'000}}).ok());
  desk_.ProposeAndApprove(kD1);
  EodCall call = desk_.RunEod(kD1);
  EXPECT_EQ(call.status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(call.status.error_message(), HasSubstr("no approved risk parameter set"));
  pb::EodRun run;
  ASSERT_TRUE(desk_.RunStatus(kD1, &run).ok());
  EXPECT_EQ(run.status(), pb::EOD_RUN_STATUS_FAILED);
  EXPECT_EQ(run.next_step(), "INITIAL_MARGIN");
  EXPECT_EQ(run.steps_done(), 6);
  // What the failure message asks for: calibrate and approve the date's risk parameters.
  desk_.CalibrateAndApprove(kD1);
  call = desk_.RunEod(kD1);
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  EXPECT_EQ(call.run.status(), pb::EOD_RUN_STATUS_COMPLETE);
}

// ---------------------------------------------------------------------------------------
// A correction after the lock: a second treasurer approves, the run re-runs what depends
// on the prices, the ledger reverses and re-posts, the next day starts from the corrected
// price.
// ---------------------------------------------------------------------------------------
TEST_F(EodTest, ACorrectionAfterTheLockReRunsWhatDependsOnThePrices) {
  desk_.LoadHistory();
  // CM01-H buys 10 from CM02-H at 3.000; the exchange settles the month at 3.010.
  desk_.SubmitOk({NewTradeEvent(T("C-1", kDec, "CM01-H", "CM02-H", 10, 3'000'000, kD1))});
  desk_.SettleDay(kD1, {{kDec, 3'010'000}});
  // (3.010 - 3.000) x 10 x 1000 = 100,000,000 micro-USD = $100.00 to CM01's house.
  EXPECT_EQ(desk_.Vm(kD1)["CM01/HOUSE/DAILY"],
            std::make_pair(int64_t{100'000'000}, int64_t{10'000}));
  EXPECT_EQ(desk_.Balances()["CM01:HOUSE:CASH:USD"], -10'000);

  // Refusals, each naming what is wrong, nothing written.
  const std::map<std::string, int64_t> before = desk_.TableCounts();
  pb::SettlementPriceSet set;
  grpc::Status status = desk_.Correct(kD1, kDec, 3'020'000, "", &set);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("reason"));
  status = desk_.Correct(kD1, "TKF-202701", 3'020'000, "typo", &set);
  EXPECT_EQ(status.error_code(), grpc::NOT_FOUND) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("prices[0].instrument_id 'TKF-202701'"));
  status = desk_.Correct(kD1, kDec, 3'020'001, "typo", &set);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("prices[0].price_micros 3020001"));
  status = desk_.Correct(kD1, kDec, 3'020'000, "typo", &set, kCm01Token);
  EXPECT_EQ(status.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_EQ(desk_.TableCounts(), before);

  // The correction: treasury1 proposes it, treasury1 may not approve it, treasury2 does.
  status = desk_.Correct(kD1, kDec, 3'020'000, "exchange price keyed wrong", &set);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(set.version(), 2);
  EXPECT_EQ(set.corrects_version(), 1);
  EXPECT_EQ(set.status(), pb::PRICE_SET_STATUS_PROPOSED);
  ASSERT_EQ(set.prices_size(), 1);
  EXPECT_TRUE(set.prices(0).corrected());
  EXPECT_EQ(set.prices(0).tier(), pb::PRICE_TIER_EXCHANGE);
  pb::SettlementPriceSet approved;
  status = desk_.Approve(kD1, 2, kTreasuryToken, &approved);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("four eyes"));
  ASSERT_TRUE(desk_.Approve(kD1, 2, kTreasury2Token, &approved).ok());
  EXPECT_EQ(desk_.Rows("SELECT version, status FROM settlement_price_sets"
                       " WHERE business_date = '2026-11-23' ORDER BY version"),
            (std::vector<std::string>{"1|SUPERSEDED", "2|APPROVED"}));
  // Nothing is recomputed until treasury runs the date again.
  EXPECT_EQ(desk_.Vm(kD1)["CM01/HOUSE/DAILY"].second, 10'000);

  EodCall call = desk_.RunEod(kD1);
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  EXPECT_EQ(call.run.status(), pb::EOD_RUN_STATUS_COMPLETE);
  EXPECT_EQ(call.run.pass(), 2);
  EXPECT_EQ(call.run.price_version(), 2);
  EXPECT_THAT(call.Phases(), ::testing::IsSupersetOf({"LOCK_PRICES:DONE", "MARK_TO_MARKET:DONE",
                                                      "LEDGER_POSTINGS:DONE", "OBLIGATIONS:DONE",
                                                      "REPORTS_READY:DONE"}));
  for (const pb::EodProgress& p : call.progress) {
    EXPECT_THAT(p.step(), ::testing::AnyOf("LOCK_PRICES", "MARK_TO_MARKET", "LEDGER_POSTINGS",
                                           "OBLIGATIONS", "REPORTS_READY"))
        << "a correction re-runs only what depends on the prices";
  }
  // (3.020 - 3.000) x 10 x 1000 = $200.00; the ledger reversed the $100 and posted $200.
  EXPECT_EQ(desk_.Vm(kD1)["CM01/HOUSE/DAILY"],
            std::make_pair(int64_t{200'000'000}, int64_t{20'000}));
  EXPECT_EQ(desk_.Vm(kD1)["CM02/HOUSE/DAILY"].second, -20'000);
  std::map<std::string, int64_t> balances = desk_.Balances();
  EXPECT_EQ(balances["CM01:HOUSE:CASH:USD"], -20'000);
  EXPECT_EQ(balances["CM02:HOUSE:CASH:USD"], 20'000);
  EXPECT_EQ(balances["CCP:VM_SETTLEMENT:USD"], 0);
  EXPECT_EQ(desk_.Count("SELECT count(*) FROM journal_entries WHERE idempotency_key IN"
                        " ('REV/VM/2026-11-23/CM01/HOUSE/USD', 'VM/2026-11-23/CM01/HOUSE/USD/P2')"),
            2);
  desk_.ExpectLedgerOk();

  // Run again: nothing changes; the replay reproduces the corrected pass.
  const std::map<std::string, int64_t> corrected = desk_.TableCounts();
  call = desk_.RunEod(kD1);
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  EXPECT_EQ(desk_.TableCounts(), corrected);
  pb::ReplayEndOfDayRequest replay_request;
  replay_request.set_business_date(kD1);
  pb::ReplayEndOfDayResponse replay;
  ASSERT_TRUE(Desk::Call(desk_.treasury(), &pb::TreasuryService::Stub::ReplayEndOfDay,
                         kRegulatorToken, replay_request, &replay)
                  .ok());
  EXPECT_TRUE(replay.identical()) << replay.ShortDebugString();

  // The next day starts from the corrected price: (3.030 - 3.020) x 10 x 1000 = $100.00.
  desk_.SettleDay(kD2, {{kDec, 3'030'000}});
  EXPECT_EQ(desk_.Vm(kD2)["CM01/HOUSE/DAILY"].second, 10'000);
  // Once a later date is locked, the earlier one can no longer be corrected.
  status = desk_.Correct(kD1, kDec, 3'015'000, "late", &set);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("2026-11-24 has locked prices"));
}

// ---------------------------------------------------------------------------------------
// 4: stop after FREEZE_POSITIONS and resume = a run without the stop.
// ---------------------------------------------------------------------------------------
void PrepareStopDay(Desk& desk) {
  desk.LoadHistory();
  desk.SubmitOk({
      NewTradeEvent(T("S-1", kDec, "CM01-H", "CM02-H", 7, 3'125'000, kD1)),
      NewTradeEvent(T("S-2", kDec, "CM02-C1", "CM01-C1", 3, 3'140'000, kD1)),
      NewTradeEvent(T("S-3", kDec, "CM01-C2", "CM02-H", 2, 3'110'000, kD1)),
  });
  desk.SubmitOk({CancelEvent("S-3")});
  ASSERT_TRUE(desk.SubmitPrices(kD1, {{kDec, 3'135'000}}).ok());
  desk.CalibrateAndApprove(kD1);
  desk.ProposeAndApprove(kD1);
}

TEST_F(EodTest, StopAfterFreezeAndResumeEqualsAnUninterruptedRun) {
  ASSERT_NO_FATAL_FAILURE(PrepareStopDay(desk_));
  EodCall call = desk_.RunEod(kD1, "FREEZE_POSITIONS");
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  EXPECT_EQ(call.run.status(), pb::EOD_RUN_STATUS_STOPPED);
  EXPECT_EQ(call.run.steps_done(), 3);
  EXPECT_EQ(call.run.steps_size(), 3);
  EXPECT_EQ(call.run.next_step(), "MARK_TO_MARKET");
  EXPECT_THAT(call.run.message(), HasSubstr("FREEZE_POSITIONS"));
  EXPECT_EQ(call.Phases(),
            (std::vector<std::string>{"CLOSE_TRADING:STARTED", "CLOSE_TRADING:DONE",
                                      "LOCK_PRICES:STARTED", "LOCK_PRICES:DONE",
                                      "FREEZE_POSITIONS:STARTED", "FREEZE_POSITIONS:DONE"}));
  pb::EodRun run;
  ASSERT_TRUE(desk_.RunStatus(kD1, &run).ok());
  EXPECT_EQ(run.status(), pb::EOD_RUN_STATUS_STOPPED);
  EXPECT_EQ(run.steps_done(), 3);
  EXPECT_EQ(desk_.Count("SELECT count(*) FROM vm_origin_totals"), 0);
  EXPECT_EQ(desk_.Count("SELECT count(*) FROM journal_entries"), 0);
  // CM01-H, CM02-H, CM01-C1, CM02-C1 (CM01-C2's only trade was cancelled the same day).
  EXPECT_EQ(desk_.Count("SELECT count(*) FROM eod_positions"), 4);
  // Closed: trades are refused while the run is stopped.
  {
    pb::SubmitTradesRequest request;
    *request.add_events() = NewTradeEvent(T("S-4", kDec, "CM01-H", "CM02-H", 1, 3'125'000, kD1));
    pb::SubmitTradesResponse response;
    grpc::Status status =
        Desk::Call(*house_.TradeCapture(), &pb::TradeCaptureService::Stub::SubmitTrades,
                   kExchangeToken, request, &response);
    EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  }
  call = desk_.RunEod(kD1);
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  EXPECT_EQ(call.run.status(), pb::EOD_RUN_STATUS_COMPLETE);
  EXPECT_EQ(call.run.steps_done(), settlement::kEodStepCount);
  ASSERT_EQ(call.progress.size(), 3u + 2u * (settlement::kEodStepCount - 3));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call.progress[i].phase(), "SKIPPED");

  // The same day on a second house, without the stop.
  TestClearingHouse other_house;
  Desk other(other_house);
  ASSERT_NO_FATAL_FAILURE(PrepareStopDay(other));
  const EodCall straight = other.RunEod(kD1);
  ASSERT_TRUE(straight.status.ok()) << straight.status.error_message();
  ASSERT_EQ(straight.run.status(), pb::EOD_RUN_STATUS_COMPLETE);

  const std::string totals =
      "SELECT business_date, kind, member_id, origin, currency, amount_micros, amount_cents"
      " FROM vm_origin_totals ORDER BY 1, 2, 3, 4, 5";
  const std::string lines =
      "SELECT e.idempotency_key, l.line_no, l.ledger_account_id, l.amount_cents,"
      " encode(e.payload_sha256, 'hex') FROM journal_entries e JOIN journal_lines l USING"
      " (entry_id) ORDER BY 1, 2";
  const std::string marks =
      "SELECT trade_id, side, account_id, amount_micros FROM vm_trade_marks ORDER BY 1, 2";
  EXPECT_EQ(desk_.Rows(totals), other.Rows(totals));
  EXPECT_EQ(desk_.Rows(lines), other.Rows(lines));
  EXPECT_EQ(desk_.Rows(marks), other.Rows(marks));
  // And the hand values: S = 3.135000.
  //   S-1 CM01-H +7 @3.125000: 10,000 x 7 x 1000 = +70,000,000; CM02-H -70,000,000
  //   S-2 CM02-C1 +3 @3.140000: -5,000 x 3 x 1000 = -15,000,000; CM01-C1 +15,000,000
  //   S-3 cancelled: nothing
  EXPECT_EQ(desk_.Vm(kD1), (Amounts{{"CM01/HOUSE/DAILY", {70'000'000, 7'000}},
                                    {"CM01/CUSTOMER/DAILY", {15'000'000, 1'500}},
                                    {"CM02/HOUSE/DAILY", {-70'000'000, -7'000}},
                                    {"CM02/CUSTOMER/DAILY", {-15'000'000, -1'500}}}));
  // The recorded digests of the steps agree too.
  pb::EodRun mine, theirs;
  ASSERT_TRUE(desk_.RunStatus(kD1, &mine).ok());
  ASSERT_TRUE(other.RunStatus(kD1, &theirs).ok());
  ASSERT_EQ(mine.steps_size(), settlement::kEodStepCount);
  ASSERT_EQ(theirs.steps_size(), settlement::kEodStepCount);
  for (int i = 2; i < 5; ++i) {  // FREEZE_POSITIONS, MARK_TO_MARKET, LEDGER_POSTINGS
    EXPECT_EQ(mine.steps(i).step(), theirs.steps(i).step());
    EXPECT_EQ(mine.steps(i).outputs_sha256(), theirs.steps(i).outputs_sha256())
        << mine.steps(i).step();
  }
  desk_.ExpectLedgerOk();
  other.ExpectLedgerOk();
}

// ---------------------------------------------------------------------------------------
// 5: a seeded random workload against an independent model.
// ---------------------------------------------------------------------------------------
struct ModelTrade {
  std::string id, instrument, buyer, seller;
  int64_t quantity = 0, price = 0;
  std::string date;
  bool live = true;
  // What the trade did to each side's gross position: {long delta, short delta}.
  std::pair<int64_t, int64_t> buyer_delta, seller_delta;
};

bool IsHouse(const std::string& account) { return account.size() > 2 && account.ends_with("-H"); }
std::string MemberOf(const std::string& account) { return account.substr(0, 4); }

class Model {
 public:
  using Book = std::map<std::string, std::pair<int64_t, int64_t>>;  // "acct/instr" -> L, S

  // The position change of one side; nullopt when a CLOSE would go below zero.
  std::optional<std::pair<int64_t, int64_t>> SideDelta(const std::string& account,
                                                       const std::string& instrument, bool buy,
                                                       int64_t q, bool close) const {
    const auto [l, s] = Position(account, instrument);
    if (IsHouse(account)) {
      const int64_t net = l - s + (buy ? q : -q);
      return std::pair<int64_t, int64_t>{std::max<int64_t>(net, 0) - l,
                                         std::max<int64_t>(-net, 0) - s};
    }
    if (close) {
      if (buy ? s < q : l < q) return std::nullopt;
      return buy ? std::pair<int64_t, int64_t>{0, -q} : std::pair<int64_t, int64_t>{-q, 0};
    }
    return buy ? std::pair<int64_t, int64_t>{q, 0} : std::pair<int64_t, int64_t>{0, q};
  }
  std::pair<int64_t, int64_t> Position(const std::string& account,
                                       const std::string& instrument) const {
    auto it = book.find(absl::StrCat(account, "/", instrument));
    return it == book.end() ? std::pair<int64_t, int64_t>{0, 0} : it->second;
  }
  void Apply(const std::string& account, const std::string& instrument,
             std::pair<int64_t, int64_t> delta, int sign) {
    auto& p = book[absl::StrCat(account, "/", instrument)];
    p.first += sign * delta.first;
    p.second += sign * delta.second;
    if (IsHouse(account)) {  // net: one side only
      const int64_t net = p.first - p.second;
      p = {std::max<int64_t>(net, 0), std::max<int64_t>(-net, 0)};
    }
    if (p.first == 0 && p.second == 0) book.erase(absl::StrCat(account, "/", instrument));
  }
  // Whether undoing `t` keeps every side non-negative.
  bool CanReverse(const ModelTrade& t) const {
    // House accounts are net: a reversal always fits. Customer sides must not go negative.
    auto fits = [&](const std::string& account, std::pair<int64_t, int64_t> delta) {
      if (IsHouse(account)) return true;
      const auto p = Position(account, t.instrument);
      return p.first >= delta.first && p.second >= delta.second;
    };
    return fits(t.buyer, t.buyer_delta) && fits(t.seller, t.seller_delta);
  }

  Book book;
};

TEST_F(EodTest, SeededRandomWorkloadMatchesAnIndependentModel) {
  desk_.AddInstrument(kJan, "202701", "2027-01-28", "2027-01-29");
  desk_.LoadHistory();
  const std::vector<std::string> accounts = {"CM01-H", "CM01-C1", "CM01-C2", "CM02-H", "CM02-C1"};
  const std::vector<std::string> instruments = {kDec, kJan};
  std::mt19937_64 rng(20261123);
  auto uniform = [&rng](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  Model model;
  std::map<std::string, int64_t> settle = {{kDec, 3'125'000}, {kJan, 3'200'000}};
  std::map<std::string, int64_t> balances;  // ledger model, cents
  int trade_count = 0, cancels = 0, corrections = 0, closes = 0;

  for (const char* date : {kD1, kD2, kD3}) {
    const Model::Book start_of_day = model.book;
    std::vector<ModelTrade> trades;  // today's
    std::vector<pb::TradeEvent> batch;
    auto flush = [&] {
      if (batch.empty()) return;
      desk_.SubmitOk(batch);
      batch.clear();
    };
    for (int e = 0; e < 110; ++e) {
      const int64_t kind = uniform(0, 99);
      std::vector<size_t> live;
      for (size_t i = 0; i < trades.size(); ++i) {
        if (trades[i].live && model.CanReverse(trades[i])) live.push_back(i);
      }
      if (kind < 78 || live.empty()) {
        ModelTrade t;
        t.id = absl::StrCat("W-", date, "-", e);
        t.instrument = instruments[uniform(0, 1)];
        const size_t b = uniform(0, accounts.size() - 1);
        size_t s = uniform(0, accounts.size() - 2);
        if (s >= b) ++s;
        t.buyer = accounts[b];
        t.seller = accounts[s];
        t.quantity = uniform(1, 20);
        t.price = settle[t.instrument] + 5'000 * uniform(-6, 6);
        t.date = date;
        const bool buyer_close = uniform(0, 2) == 0, seller_close = uniform(0, 2) == 0;
        auto bd = model.SideDelta(t.buyer, t.instrument, true, t.quantity, buyer_close);
        auto sd = model.SideDelta(t.seller, t.instrument, false, t.quantity, seller_close);
        const bool bc = buyer_close && bd.has_value(), sc = seller_close && sd.has_value();
        closes += (bc && !IsHouse(t.buyer)) + (sc && !IsHouse(t.seller));
        if (!bd) bd = model.SideDelta(t.buyer, t.instrument, true, t.quantity, false);
        if (!sd) sd = model.SideDelta(t.seller, t.instrument, false, t.quantity, false);
        t.buyer_delta = *bd;
        model.Apply(t.buyer, t.instrument, t.buyer_delta, 1);
        // The seller's delta after the buyer's (different accounts: independent).
        t.seller_delta = *sd;
        model.Apply(t.seller, t.instrument, t.seller_delta, 1);
        batch.push_back(
            NewTradeEvent(T(t.id, t.instrument, t.buyer, t.seller, t.quantity, t.price, date,
                            bc ? pb::POSITION_EFFECT_CLOSE : pb::POSITION_EFFECT_OPEN,
                            sc ? pb::POSITION_EFFECT_CLOSE : pb::POSITION_EFFECT_OPEN)));
        trades.push_back(t);
        ++trade_count;
      } else {
        ModelTrade& original = trades[live[uniform(0, live.size() - 1)]];
        model.Apply(original.buyer, original.instrument, original.buyer_delta, -1);
        model.Apply(original.seller, original.instrument, original.seller_delta, -1);
        original.live = false;
        if (kind < 90) {
          batch.push_back(CancelEvent(original.id));
          ++cancels;
        } else {
          ModelTrade t = original;
          t.id = absl::StrCat(original.id, "-R", e);
          t.live = true;
          t.quantity = uniform(1, 20);
          t.price = settle[t.instrument] + 5'000 * uniform(-6, 6);
          t.buyer_delta = *model.SideDelta(t.buyer, t.instrument, true, t.quantity, false);
          model.Apply(t.buyer, t.instrument, t.buyer_delta, 1);
          t.seller_delta = *model.SideDelta(t.seller, t.instrument, false, t.quantity, false);
          model.Apply(t.seller, t.instrument, t.seller_delta, 1);
          batch.push_back(CorrectionEvent(
              original.id, T(t.id, t.instrument, t.buyer, t.seller, t.quantity, t.price, date)));
          trades.push_back(t);
          ++corrections;
        }
      }
      if (batch.size() >= 15) flush();
    }
    flush();
    ASSERT_FALSE(HasFailure()) << date;

    // Today's settlement prices: a random on-tick move.
    std::map<std::string, int64_t> today;
    for (const std::string& id : instruments) today[id] = settle[id] + 5'000 * uniform(-8, 8);
    ASSERT_NO_FATAL_FAILURE(desk_.SettleDay(date, {{kDec, today[kDec]}, {kJan, today[kJan]}}));

    // The model's variation margin per account, then per member and origin.
    std::map<std::string, int64_t> by_origin;  // "CM01/HOUSE" -> micros
    auto add = [&](const std::string& account, int64_t micros) {
      by_origin[absl::StrCat(MemberOf(account), IsHouse(account) ? "/HOUSE" : "/CUSTOMER")] +=
          micros;
    };
    for (const auto& [key, ls] : start_of_day) {
      const std::string account = key.substr(0, key.find('/'));
      const std::string instrument = key.substr(key.find('/') + 1);
      // (today - previous settlement) x (long - short) x multiplier
      const int64_t micros =
          (today[instrument] - settle[instrument]) * (ls.first - ls.second) * 1000;
      add(account, micros);
    }
    for (const ModelTrade& t : trades) {
      if (!t.live) continue;
      // (settlement - trade price) x signed quantity x multiplier
      const int64_t micros = (today[t.instrument] - t.price) * t.quantity * 1000;
      add(t.buyer, micros);
      add(t.seller, -micros);
    }
    int64_t model_sum = 0;
    for (const auto& [origin, micros] : by_origin) model_sum += micros;
    EXPECT_EQ(model_sum, 0) << date;
    std::map<std::string, int64_t> residuals;
    const Amounts vm = desk_.Vm(date, "", kTreasuryToken, &residuals);
    int64_t server_sum = 0, cents_sum = 0;
    for (const auto& [key, amount] : vm) {
      ASSERT_TRUE(key.ends_with("/DAILY")) << key;
      server_sum += amount.first;
      cents_sum += amount.second;
      const std::string origin = key.substr(0, key.size() - 6);
      EXPECT_EQ(amount.first, Get(by_origin, origin)) << date << " " << origin;
    }
    for (const auto& [origin, micros] : by_origin) {
      auto it = vm.find(absl::StrCat(origin, "/DAILY"));
      const int64_t server = it == vm.end() ? 0 : it->second.first;
      EXPECT_EQ(server, micros) << date << " " << origin;
      // Cents: rounded once, halves away from zero (every amount here is whole cents:
      // the tick value is 5,000 x 1,000 micros = $5).
      const int64_t cents = micros >= 0 ? (micros + 5'000) / 10'000 : -((-micros + 5'000) / 10'000);
      if (it != vm.end()) {
        EXPECT_EQ(it->second.second, cents) << date << " " << origin;
      }
      const std::string member = origin.substr(0, 4);
      balances[absl::StrCat(member, ":", origin.substr(5), ":CASH:USD")] -= cents;
    }
    EXPECT_EQ(server_sum, 0) << date;  // Σ variation margin = 0, exact micros
    EXPECT_EQ(cents_sum + Get(residuals, "DAILY"), 0) << date;
    EXPECT_EQ(
        desk_.Count(absl::StrCat(
            "SELECT coalesce(sum(a), 0) FROM (SELECT amount_micros a FROM vm_position_marks"
            " WHERE business_date = '",
            date, "' UNION ALL SELECT amount_micros FROM vm_trade_marks WHERE business_date = '",
            date, "') m")),
        0);
    balances["CCP:ROUNDING:USD"] -= Get(residuals, "DAILY");

    // Positions: the server's gross positions and its frozen end of day equal the model's.
    EXPECT_EQ(desk_.GrossPositions(), model.book) << date;
    Model::Book frozen;
    for (const std::string& row :
         desk_.Rows(absl::StrCat("SELECT account_id || '/' || instrument_id, eod_long, eod_short"
                                 " FROM eod_positions WHERE business_date = '",
                                 date, "' AND (eod_long <> 0 OR eod_short <> 0)"))) {
      std::vector<std::string> f = absl::StrSplit(row, '|');
      frozen[f[0]] = {std::stoll(f[1]), std::stoll(f[2])};
    }
    EXPECT_EQ(frozen, model.book) << date;
    house_.CheckedOpenInterest();  // long = short per month

    // The ledger.
    const std::map<std::string, int64_t> server_balances = desk_.Balances();
    for (const auto& [account, cents] : balances) {
      EXPECT_EQ(Get(server_balances, account), cents) << date << " " << account;
    }
    for (const auto& [account, cents] : server_balances) {
      if (!balances.contains(account)) {
        EXPECT_EQ(cents, 0) << date << " " << account;
      }
    }
    desk_.ExpectLedgerOk();
    settle = today;
  }
  EXPECT_EQ(desk_.Count("SELECT count(*) FROM eod_runs WHERE status = 'COMPLETE'"), 3);
  std::printf("random workload: %d trades, %d cancels, %d corrections, %d customer CLOSE sides\n",
              trade_count, cancels, corrections, closes);
  EXPECT_GT(closes, 10);
  EXPECT_GE(trade_count, 250);
  EXPECT_GT(cancels, 10);
  EXPECT_GT(corrections, 5);
}

}  // namespace
}  // namespace tc::testing
