// MemberService through the real server, channel and PostgreSQL: two business days run
// through the real end-of-day run (trades, calibration, prices, the eleven steps), then
//   - positions of the frozen first day, of the open second day, and NOT_FOUND for a
//     date never opened, each worked by hand (SOD + bought - sold = EOD);
//   - trades paged (every leg once, in order) and filtered by date range, instrument and
//     account;
//   - margin with its breakdown and the parameter set version of the run;
//   - the cash statement: opening + lines = closing per account, the closing balances
//     equal to LedgerService's balances, the lines the member's only;
//   - scope: another member's account and a missing one give the same PERMISSION_DENIED;
//     treasury and the regulator name the member;
//   - notifications: a member reads some, disconnects while end-of-day runs,
//     obligations and flags write more (and replays write none), resumes from its last
//     id and ends with exactly the expected list, none missed, none twice; another
//     member sees only its own; the same from the real writers (InstructPayments,
//     CheckPaymentDeadlines, RunIntradayCycle, ConfirmPayment, the runs, each replayed),
//     counted from their answers; ids in commit order (a second writer waits for the
//     first); a server shutdown ends an open stream promptly with UNAVAILABLE naming the
//     id to resume after.
#include <atomic>
#include <map>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "gtest/gtest.h"
#include "settlement/eod_step.h"
#include "store/cash_store.h"
#include "tests/settlement_desk.h"
#include "tests/test_clearing_house.h"
#include "tokenclear/v1/cash.grpc.pb.h"
#include "tokenclear/v1/ledger.grpc.pb.h"
#include "tokenclear/v1/margin.grpc.pb.h"
#include "tokenclear/v1/member.grpc.pb.h"
#include "tokenclear/v1/treasury.grpc.pb.h"

namespace tc::testing {
namespace {

constexpr char kD1[] = "2026-11-23";  // the seeded open date, a Monday
constexpr char kD2[] = "2026-11-24";
constexpr char kD3[] = "2026-11-25";  // never opened here
constexpr char kDec[] = "TKF-202612";
// An ABA routing number (weights 3-7-1 repeated, the sum a multiple of 10).
constexpr char kBank[] = "021000021";

// ISO 17442: the two check digits of an 18-character LEI base (ISO 7064 MOD 97-10).
std::string Lei(const std::string& base) {
  int remainder = 0;
  for (char c : base + "00") {
    const int v = (c >= '0' && c <= '9') ? c - '0' : c - 'A' + 10;
    remainder = (remainder * (v >= 10 ? 100 : 10) + v) % 97;
  }
  return absl::StrFormat("%s%02d", base, 98 - remainder);
}

absl::CivilDay Day(const std::string& text) { return ParseBusinessDate("date", text).value(); }

absl::Time At(const std::string& date, int hour, int minute) {
  const absl::CivilDay d = Day(date);
  return absl::FromCivil(absl::CivilSecond(d.year(), d.month(), d.day(), hour, minute, 0),
                         absl::UTCTimeZone());
}

pb::TradeEvent T(const std::string& id, const std::string& buyer, const std::string& seller,
                 int64_t quantity, const std::string& date,
                 pb::PositionEffect buyer_effect = pb::POSITION_EFFECT_OPEN,
                 pb::PositionEffect seller_effect = pb::POSITION_EFFECT_OPEN) {
  pb::Trade trade = TestClearingHouse::Trade(id, quantity);
  trade.set_buyer_account_id(buyer);
  trade.set_seller_account_id(seller);
  trade.set_trade_date(date);
  // 14:30 UTC: outside the 15:30-16:00 settlement window (the prices here are EXCHANGE).
  trade.mutable_executed_at()->set_seconds(absl::ToUnixSeconds(At(date, 14, 30)));
  trade.mutable_executed_at()->set_nanos(0);
  trade.set_buyer_position_effect(buyer_effect);
  trade.set_seller_position_effect(seller_effect);
  return NewTradeEvent(trade);
}

// "kind subject" of each notification, in the order received.
std::vector<std::string> Story(const std::vector<pb::Notification>& notes) {
  std::vector<std::string> out;
  for (const pb::Notification& n : notes) out.push_back(absl::StrCat(n.kind(), " ", n.subject()));
  return out;
}

// A notification stream read on its own thread until stopped.
class Listener {
 public:
  Listener(pb::MemberService::Stub& stub, const std::string& token, int64_t after,
           const std::string& member = "") {
    TestClearingHouse::Authorize(context_, token);
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(300)));
    pb::StreamNotificationsRequest request;
    request.set_after_notification_id(after);
    request.set_member_id(member);
    reader_ = stub.StreamNotifications(&context_, request);
    thread_ = std::thread([this] {
      pb::Notification n;
      while (reader_->Read(&n)) {
        absl::MutexLock lock(&mutex_);
        received_.push_back(n);
      }
      status_ = reader_->Finish();
      absl::MutexLock lock(&mutex_);
      done_ = true;
    });
  }
  ~Listener() { Stop(); }

  // Waits (up to 30 s) until `count` notifications have arrived; returns them all.
  std::vector<pb::Notification> WaitFor(size_t count) {
    absl::MutexLock lock(&mutex_);
    auto enough = [&]() { return received_.size() >= count || done_; };
    mutex_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(30));
    return received_;
  }
  std::vector<pb::Notification> Received() {
    absl::MutexLock lock(&mutex_);
    return received_;
  }
  // Waits (up to `within`) for the server to end the stream; false if it did not.
  bool WaitEnded(absl::Duration within) {
    absl::MutexLock lock(&mutex_);
    return mutex_.AwaitWithTimeout(absl::Condition(&done_), within);
  }
  // Disconnects: the client cancels, as a member closing its connection would.
  void Stop() {
    if (!thread_.joinable()) return;
    context_.TryCancel();
    thread_.join();
  }
  const grpc::Status& status() const { return status_; }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<pb::Notification>> reader_;
  std::thread thread_;
  absl::Mutex mutex_;
  std::vector<pb::Notification> received_ ABSL_GUARDED_BY(mutex_);
  bool done_ ABSL_GUARDED_BY(mutex_) = false;
  grpc::Status status_;
};

class MemberServiceTest : public ::testing::Test {
 protected:
  MemberServiceTest() {
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", house_.server().port()),
                                   grpc::InsecureChannelCredentials());
    member_ = pb::MemberService::NewStub(channel_);
    treasury_ = pb::TreasuryService::NewStub(channel_);
    margin_ = pb::MarginService::NewStub(channel_);
    ledger_ = pb::LedgerService::NewStub(channel_);
    cash_ = pb::CashService::NewStub(channel_);
  }

  template <typename Stub, typename Method, typename Request, typename Response>
  static grpc::Status Call(Stub& stub, Method method, const std::string& token,
                           const Request& request, Response* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, token);
    return (stub.*method)(&context, request, response);
  }

  template <typename Request, typename Response>
  grpc::Status Member(grpc::Status (pb::MemberService::Stub::*method)(grpc::ClientContext*,
                                                                      const Request&, Response*),
                      const Request& request, Response* response,
                      const std::string& token = kCm01Token) {
    return Call(*member_, method, token, request, response);
  }

  // ---- the end of day (as tests/eod_pgtest.cc drives it) ----

  // 60 business days of TOKFRONT ending on the open date: calibration's look-back.
  void LoadHistory() { LoadIndexHistory(channel_); }

  void SubmitOk(const std::vector<pb::TradeEvent>& events) {
    const pb::SubmitTradesResponse response = house_.Submit(events);
    ASSERT_EQ(response.results_size(), static_cast<int>(events.size()));
    for (const pb::TradeResult& r : response.results()) {
      ASSERT_EQ(r.outcome(), pb::TRADE_OUTCOME_ACCEPTED) << r.ShortDebugString();
    }
  }

  pb::EodRun RunEod(const std::string& date) {
    pb::RunEndOfDayRequest request;
    request.set_business_date(date);
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, kTreasuryToken);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(240)));
    std::unique_ptr<grpc::ClientReader<pb::EodProgress>> reader =
        treasury_->RunEndOfDay(&context, request);
    pb::EodRun run;
    pb::EodProgress message;
    while (reader->Read(&message)) {
      if (message.phase() == "END") run = message.run();
    }
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << date << ": " << status.error_message();
    return run;
  }

  // Calibrates (risk1) and approves (risk2) the margin parameters, submits the
  // exchange's price of TKF-202612, four-eyes approves the prices and runs the whole day.
  // Returns the approved parameter set version.
  std::string SettleDay(const std::string& date, int64_t price_micros) {
    const pb::RiskParameterSet parameters = CalibrateAndApprove(channel_, date);
    ApproveDayPrices(channel_, date, {{kDec, price_micros}});
    const pb::EodRun run = RunEod(date);
    EXPECT_EQ(run.status(), pb::EOD_RUN_STATUS_COMPLETE) << run.ShortDebugString();
    return parameters.version();
  }

  // Day 1: CM01-H buys 10 from CM02-H (t1), CM01-C1 buys 4 from CM02-C1 (t2), CM01-H
  // sells 3 back to CM02-H (t3), all at 3.125; settled at 3.20. Day 2: CM01-H sells 5 to
  // CM02-C1 (t4) and CM02-H buys 2 from CM01-C1 (t5).
  void TradeDay1() {
    SubmitOk({T("t1", "CM01-H", "CM02-H", 10, kD1), T("t2", "CM01-C1", "CM02-C1", 4, kD1),
              T("t3", "CM02-H", "CM01-H", 3, kD1, pb::POSITION_EFFECT_CLOSE,
                pb::POSITION_EFFECT_CLOSE)});
  }
  void TradeDay2() {
    SubmitOk(
        {T("t4", "CM02-C1", "CM01-H", 5, kD2, pb::POSITION_EFFECT_OPEN, pb::POSITION_EFFECT_CLOSE),
         T("t5", "CM02-H", "CM01-C1", 2, kD2, pb::POSITION_EFFECT_CLOSE,
           pb::POSITION_EFFECT_CLOSE)});
  }

  template <typename Request, typename Response>
  grpc::Status Cash(grpc::Status (pb::CashService::Stub::*method)(grpc::ClientContext*,
                                                                  const Request&, Response*),
                    const Request& request, Response* response) {
    return Call(*cash_, method, kTreasuryToken, request, response);
  }

  // The CCP's and the members' settlement accounts and mandates (every member origin at
  // one bank), a 1 s collect deadline and no intraday threshold.
  void SetUpCash() {
    pb::UpsertCashReferenceRequest request;
    pb::TreasurySettings* s = request.mutable_settings();
    s->set_ccp_name("tokenclear CCP");
    s->set_ccp_lei(Lei("TOKENCLEARCCP00000"));
    s->set_collect_deadline_seconds(1);
    s->set_intraday_call_threshold("0.00");
    pb::CcpBankAccount* ccp = request.add_ccp_bank_accounts();
    ccp->set_bank_aba(kBank);
    ccp->set_currency("USD");
    ccp->set_account_number("CCP-USD-021");
    for (const char* member : {"CM01", "CM02"}) {
      for (const char* origin : {"HOUSE", "CUSTOMER"}) {
        pb::MemberBankAccount* a = request.add_member_bank_accounts();
        a->set_member_id(member);
        a->set_origin(origin);
        a->set_currency("USD");
        a->set_bank_aba(kBank);
        a->set_account_number(absl::StrCat(member, "-", origin));
        a->set_mandate_id(absl::StrCat("MNDT-", member, "-", origin));
        a->set_mandate_signed("2026-01-05");
      }
    }
    pb::UpsertCashReferenceResponse response;
    grpc::Status status =
        Call(*cash_, &pb::CashService::Stub::UpsertCashReference, kAdminToken, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // "account instrument sod_long/sod_short +bought -sold = eod_long/eod_short".
  static std::vector<std::string> Rows(const pb::GetPositionsResponse& response) {
    std::vector<std::string> out;
    for (const pb::MemberPosition& p : response.positions()) {
      EXPECT_EQ(p.sod_long() - p.sod_short() + p.bought() - p.sold(), p.eod_long() - p.eod_short())
          << p.ShortDebugString();
      out.push_back(absl::StrCat(p.account_id(), " ", p.instrument_id(), " ", p.sod_long(), "/",
                                 p.sod_short(), " +", p.bought(), " -", p.sold(), " = ",
                                 p.eod_long(), "/", p.eod_short()));
    }
    return out;
  }

  grpc::Status Positions(const std::string& date, pb::GetPositionsResponse* out,
                         const std::string& token = kCm01Token, const std::string& account = "",
                         const std::string& member = "") {
    pb::GetPositionsRequest request;
    request.set_business_date(date);
    request.set_account_id(account);
    request.set_member_id(member);
    return Member(&pb::MemberService::Stub::GetPositions, request, out, token);
  }

  void Exec(const std::string& sql) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    tx.exec(sql);
    tx.commit();
  }

  // Writes what InstructPayments and an intraday cycle write: FINAL obligations with an
  // initial-margin call for CM01 (house) and CM02 (customer), through the cash store,
  // in one transaction. Idempotent like the writers: a rerun inserts nothing. (The runs'
  // own INDICATIVE obligations, calls included, must notify nobody: the stories below
  // have none.)
  void InstructCalls(const std::string& date, const std::string& cycle, absl::Time at) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    if (store::LatestObligationPass(tx, Day(date), cycle, store::ObligationStage::kFinal)) return;
    std::vector<store::ObligationRow> rows;
    for (auto [member, origin, call] : {std::tuple{"CM01", clearing::Origin::kHouse, 12'345},
                                        std::tuple{"CM02", clearing::Origin::kCustomer, 500}}) {
      settlement::Obligation o;
      o.member_id = member;
      o.origin = origin;
      o.currency = "USD";
      o.vm_cents = -100;
      o.requirement_cents = call;
      o.deficit_cents = call;
      o.im_call_cents = call;
      o.net_cents = -100 - call;
      rows.push_back({Day(date), cycle, store::ObligationStage::kFinal, 1, o});
    }
    store::InsertObligations(tx, rows, at);
    tx.commit();
  }

  // A collect of CM01 past its deadline (the flag), then its late confirmation (the cure).
  void RaiseFlag(const std::string& instruction, absl::Time at) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    if (tx.exec_params("SELECT 1 FROM payment_instructions WHERE instruction_id = $1", instruction)
            .empty()) {
      store::PaymentInstructionRow p;
      p.instruction_id = instruction;
      p.business_date = Day(kD1);
      p.cycle = "EOD";
      p.member_id = "CM01";
      p.currency = "USD";
      p.collect = true;
      p.amount_cents = 12'445;
      p.vm_cents = -100;
      p.im_call_cents = 12'345;
      p.bank_aba = "021000021";
      p.member_account_number = "111";
      p.ccp_account_number = "999";
      p.mandate_id = "M1";
      p.mandate_signed = Day("2026-01-02");
      p.created_at = at;
      p.deadline_at = at + absl::Hours(1);
      store::InsertInstruction(tx, p);
    }
    store::MemberFlagRow flag;
    flag.member_id = "CM01";
    flag.flag = "FAILURE_TO_PAY";
    flag.instruction_id = instruction;
    flag.reason = "collect unconfirmed past its deadline";
    flag.raised_at = at;
    flag.raised_by = "treasury1";
    store::RaiseFlag(tx, flag);
    tx.commit();
  }
  void CureFlag(const std::string& instruction, absl::Time at) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    store::CureFlags(tx, instruction, "treasury1", at);
    tx.commit();
  }

  std::vector<std::string> StoredStory(const std::string& member) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    std::vector<std::string> out;
    for (const pqxx::row& r :
         tx.exec_params("SELECT kind || ' ' || subject FROM notifications WHERE member_id = $1"
                        " ORDER BY notification_id",
                        member)) {
      out.push_back(r[0].as<std::string>());
    }
    return out;
  }

  TestClearingHouse house_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::MemberService::Stub> member_;
  std::unique_ptr<pb::TreasuryService::Stub> treasury_;
  std::unique_ptr<pb::MarginService::Stub> margin_;
  std::unique_ptr<pb::LedgerService::Stub> ledger_;
  std::unique_ptr<pb::CashService::Stub> cash_;
};

TEST_F(MemberServiceTest, PositionsAsOfEachDateWorkedByHand) {
  LoadHistory();
  TradeDay1();
  // Day 1 while open: no start of day (the first day), the trades so far, end = now.
  pb::GetPositionsResponse open1;
  ASSERT_TRUE(Positions(kD1, &open1).ok());
  EXPECT_FALSE(open1.frozen());
  EXPECT_EQ(open1.member_id(), "CM01");
  EXPECT_EQ(Rows(open1), (std::vector<std::string>{"CM01-C1 TKF-202612 0/0 +4 -0 = 4/0",
                                                   "CM01-H TKF-202612 0/0 +10 -3 = 7/0"}));
  SettleDay(kD1, 3'200'000);
  TradeDay2();

  // Day 1 frozen by its run: the same numbers, now from eod_positions.
  pb::GetPositionsResponse frozen1;
  ASSERT_TRUE(Positions(kD1, &frozen1).ok());
  EXPECT_TRUE(frozen1.frozen());
  EXPECT_EQ(Rows(frozen1), Rows(open1));
  // Day 2 open: SOD = day 1's EOD; CM01-H sold 5 (7 -> 2), CM01-C1 sold 2 (4 -> 2).
  pb::GetPositionsResponse open2;
  ASSERT_TRUE(Positions(kD2, &open2).ok());
  EXPECT_FALSE(open2.frozen());
  EXPECT_EQ(Rows(open2), (std::vector<std::string>{"CM01-C1 TKF-202612 4/0 +0 -2 = 2/0",
                                                   "CM01-H TKF-202612 7/0 +0 -5 = 2/0"}));
  // CM02 through the regulator, one account: CM02-C1 was short 4, bought 5 (gross).
  pb::GetPositionsResponse cm02;
  ASSERT_TRUE(Positions(kD2, &cm02, kRegulatorToken, "CM02-C1", "CM02").ok());
  EXPECT_EQ(Rows(cm02), (std::vector<std::string>{"CM02-C1 TKF-202612 0/4 +5 -0 = 5/4"}));

  // A date never opened.
  pb::GetPositionsResponse none;
  grpc::Status status = Positions(kD3, &none);
  EXPECT_EQ(status.error_code(), grpc::NOT_FOUND) << status.error_message();
  EXPECT_NE(status.error_message().find(kD3), std::string::npos);
}

TEST_F(MemberServiceTest, TradesArePagedAndFiltered) {
  LoadHistory();
  TradeDay1();
  SettleDay(kD1, 3'200'000);
  TradeDay2();
  // CM01's legs: t1 CM01-H, t2 CM01-C1, t3 CM01-H, t4 CM01-H, t5 CM01-C1; pages of two.
  std::vector<std::string> legs;
  pb::ListMemberTradesRequest request;
  request.set_page_size(2);
  int pages = 0;
  for (; pages < 10; ++pages) {
    pb::ListMemberTradesResponse page;
    ASSERT_TRUE(Member(&pb::MemberService::Stub::ListTrades, request, &page).ok());
    for (const pb::MemberTrade& t : page.trades()) {
      legs.push_back(absl::StrCat(t.leg().trade_id(), " ", t.leg().account_id(), " ",
                                  t.leg().side(), " ", t.leg().quantity(), " ", t.business_date()));
    }
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(pages, 2);  // 2 + 2 + 1: the third page is the last, without a token
  EXPECT_EQ(legs,
            (std::vector<std::string>{"t1 CM01-H BUY 10 2026-11-23", "t2 CM01-C1 BUY 4 2026-11-23",
                                      "t3 CM01-H SELL 3 2026-11-23", "t4 CM01-H SELL 5 2026-11-24",
                                      "t5 CM01-C1 SELL 2 2026-11-24"}));

  auto ids = [&](pb::ListMemberTradesRequest r, const std::string& token = kCm01Token) {
    pb::ListMemberTradesResponse page;
    grpc::Status status = Member(&pb::MemberService::Stub::ListTrades, r, &page, token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> out;
    for (const pb::MemberTrade& t : page.trades()) {
      out.push_back(absl::StrCat(t.leg().trade_id(), "/", t.leg().account_id()));
    }
    return out;
  };
  pb::ListMemberTradesRequest day2;
  day2.set_from_business_date(kD2);
  EXPECT_EQ(ids(day2), (std::vector<std::string>{"t4/CM01-H", "t5/CM01-C1"}));
  pb::ListMemberTradesRequest day1;
  day1.set_to_business_date(kD1);
  day1.set_account_id("CM01-H");
  EXPECT_EQ(ids(day1), (std::vector<std::string>{"t1/CM01-H", "t3/CM01-H"}));
  pb::ListMemberTradesRequest other_month;
  other_month.set_instrument_id("TKF-202610");
  EXPECT_TRUE(ids(other_month).empty());
  pb::ListMemberTradesRequest month;
  month.set_instrument_id(kDec);
  month.set_from_business_date(kD1);
  month.set_to_business_date(kD2);
  EXPECT_EQ(ids(month).size(), 5u);
  // Treasury names the member: CM02's legs (t1..t5, one each).
  pb::ListMemberTradesRequest cm02;
  cm02.set_member_id("CM02");
  EXPECT_EQ(ids(cm02, kTreasuryToken),
            (std::vector<std::string>{"t1/CM02-H", "t2/CM02-C1", "t3/CM02-H", "t4/CM02-C1",
                                      "t5/CM02-H"}));

  // Bad input names the field and the value.
  pb::ListMemberTradesRequest bad;
  bad.set_page_token("no-slash");
  pb::ListMemberTradesResponse out;
  grpc::Status status = Member(&pb::MemberService::Stub::ListTrades, bad, &out);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("no-slash"), std::string::npos);
  bad = pb::ListMemberTradesRequest();
  bad.set_page_size(1001);
  status = Member(&pb::MemberService::Stub::ListTrades, bad, &out);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("1001"), std::string::npos);
  bad = pb::ListMemberTradesRequest();
  bad.set_from_business_date(kD2);
  bad.set_to_business_date(kD1);
  status = Member(&pb::MemberService::Stub::ListTrades, bad, &out);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
}

TEST_F(MemberServiceTest, MarginHasItsBreakdownAndParameterSet) {
  LoadHistory();
  TradeDay1();
  const std::string version = SettleDay(kD1, 3'200'000);
  ASSERT_FALSE(version.empty());
  pb::GetMarginRequest request;
  request.set_business_date(kD1);
  pb::GetMarginResponse margin;
  ASSERT_TRUE(Member(&pb::MemberService::Stub::GetMargin, request, &margin).ok());
  EXPECT_EQ(margin.parameter_version(), version);
  ASSERT_EQ(margin.accounts_size(), 2);  // CM01-C1 and CM01-H hold positions
  EXPECT_EQ(margin.accounts(0).account_id(), "CM01-C1");
  EXPECT_EQ(margin.accounts(1).account_id(), "CM01-H");
  // The same figures as MarginService's stored requirements, with the breakdown behind.
  pb::ListMarginRequirementsRequest stored_request;
  stored_request.set_business_date(kD1);
  pb::ListMarginRequirementsResponse stored;
  ASSERT_TRUE(Call(*margin_, &pb::MarginService::Stub::ListMarginRequirements, kCm01Token,
                   stored_request, &stored)
                  .ok());
  ASSERT_EQ(stored.accounts_size(), 2);
  for (int i = 0; i < 2; ++i) {
    const pb::MarginBreakdown& b = margin.accounts(i).breakdown();
    EXPECT_EQ(b.parameter_version(), version);
    EXPECT_EQ(b.initial_micros(), stored.accounts(i).initial_micros());
    EXPECT_EQ(b.maintenance_micros(), stored.accounts(i).maintenance_micros());
    ASSERT_EQ(b.commodities_size(), 1);
    const pb::CommodityMargin& c = b.commodities(0);
    EXPECT_GT(c.scan_risk_micros(), 0);  // long positions: a scan loss in some scenario
    EXPECT_FALSE(c.scan_tiers().empty());
    EXPECT_EQ(c.maintenance_micros(), b.maintenance_micros());
  }
  ASSERT_EQ(margin.origins_size(), 2);
  EXPECT_EQ(margin.origins(0).initial_micros() + margin.origins(1).initial_micros(),
            margin.accounts(0).breakdown().initial_micros() +
                margin.accounts(1).breakdown().initial_micros());
  // One account only; a date without a margin run.
  request.set_account_id("CM01-H");
  ASSERT_TRUE(Member(&pb::MemberService::Stub::GetMargin, request, &margin).ok());
  ASSERT_EQ(margin.accounts_size(), 1);
  request.set_account_id("");
  request.set_business_date(kD2);
  grpc::Status status = Member(&pb::MemberService::Stub::GetMargin, request, &margin);
  EXPECT_EQ(status.error_code(), grpc::NOT_FOUND) << status.error_message();
}

TEST_F(MemberServiceTest, CashStatementBalancesAreTheLedgers) {
  LoadHistory();
  TradeDay1();
  SettleDay(kD1, 3'200'000);
  TradeDay2();
  SettleDay(kD2, 3'150'000);
  pb::ListLedgerBalancesRequest balances_request;
  balances_request.set_member_id("CM01");
  pb::ListLedgerBalancesResponse balances;
  ASSERT_TRUE(Call(*ledger_, &pb::LedgerService::Stub::ListLedgerBalances, kTreasuryToken,
                   balances_request, &balances)
                  .ok());
  std::map<std::string, int64_t> ledger;
  for (const pb::LedgerBalance& b : balances.balances()) {
    ledger[b.account().ledger_account_id()] = b.balance_cents();
  }
  ASSERT_FALSE(ledger.empty());

  pb::GetCashStatementRequest request;
  request.set_from_business_date(kD1);
  request.set_to_business_date(kD2);
  pb::GetCashStatementResponse whole;
  ASSERT_TRUE(Member(&pb::MemberService::Stub::GetCashStatement, request, &whole).ok());
  std::map<std::string, int64_t> lines;
  for (const pb::JournalEntry& e : whole.entries()) {
    ASSERT_FALSE(e.lines().empty());
    for (const pb::JournalLine& l : e.lines()) {
      EXPECT_EQ(l.account().member_id(), "CM01") << e.ShortDebugString();
      lines[l.account().ledger_account_id()] += l.amount_cents();
    }
  }
  ASSERT_EQ(whole.accounts_size(), static_cast<int>(ledger.size()));
  for (const pb::StatementAccount& a : whole.accounts()) {
    const std::string& id = a.account().ledger_account_id();
    EXPECT_EQ(a.opening_cents(), 0) << id;  // nothing before the first day
    EXPECT_EQ(a.opening_cents() + lines[id], a.closing_cents()) << id;
    EXPECT_EQ(a.closing_cents(), ledger[id]) << id;
  }
  // Day 2 alone opens at day 1's close and closes at the ledger's balance.
  pb::GetCashStatementRequest first_request = request;
  first_request.set_to_business_date(kD1);
  pb::GetCashStatementResponse first;
  ASSERT_TRUE(Member(&pb::MemberService::Stub::GetCashStatement, first_request, &first).ok());
  request.set_from_business_date(kD2);
  pb::GetCashStatementResponse second;
  ASSERT_TRUE(Member(&pb::MemberService::Stub::GetCashStatement, request, &second).ok());
  ASSERT_EQ(first.accounts_size(), second.accounts_size());
  int moved = 0;
  for (int i = 0; i < first.accounts_size(); ++i) {
    EXPECT_EQ(second.accounts(i).opening_cents(), first.accounts(i).closing_cents());
    EXPECT_EQ(second.accounts(i).closing_cents(),
              ledger[second.accounts(i).account().ledger_account_id()]);
    moved += second.accounts(i).line_count();
  }
  EXPECT_GT(moved, 0);  // day 2's variation margin moved CM01's cash
  EXPECT_EQ(first.entries_size() + second.entries_size(), whole.entries_size());
  // The house origin alone; CM02 through the regulator.
  request.set_origin("HOUSE");
  pb::GetCashStatementResponse house;
  ASSERT_TRUE(Member(&pb::MemberService::Stub::GetCashStatement, request, &house).ok());
  for (const pb::StatementAccount& a : house.accounts()) {
    EXPECT_EQ(a.account().origin(), "HOUSE");
  }
  request.set_origin("");
  request.set_member_id("CM02");
  pb::GetCashStatementResponse cm02;
  ASSERT_TRUE(
      Member(&pb::MemberService::Stub::GetCashStatement, request, &cm02, kRegulatorToken).ok());
  EXPECT_EQ(cm02.member_id(), "CM02");
  EXPECT_FALSE(cm02.accounts().empty());
}

TEST_F(MemberServiceTest, AnotherMembersAccountIsAnsweredLikeAMissingOne) {
  pb::GetPositionsResponse out;
  const grpc::Status other = Positions(kD1, &out, kCm01Token, "CM02-H");
  const grpc::Status missing = Positions(kD1, &out, kCm01Token, "CM77-H");
  EXPECT_EQ(other.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_EQ(missing.error_code(), grpc::PERMISSION_DENIED);
  // The same words but for the id asked about.
  std::string other_text = other.error_message();
  other_text.replace(other_text.find("CM02-H"), 6, "CM77-H");
  EXPECT_EQ(other_text, missing.error_message());
  for (auto method : {0, 1}) {
    pb::GetMarginRequest margin;
    margin.set_business_date(kD1);
    margin.set_account_id(method == 0 ? "CM02-H" : "CM77-H");
    pb::GetMarginResponse margin_out;
    EXPECT_EQ(Member(&pb::MemberService::Stub::GetMargin, margin, &margin_out).error_code(),
              grpc::PERMISSION_DENIED);
    pb::ListMemberTradesRequest trades;
    trades.set_account_id(method == 0 ? "CM02-H" : "CM77-H");
    pb::ListMemberTradesResponse trades_out;
    EXPECT_EQ(Member(&pb::MemberService::Stub::ListTrades, trades, &trades_out).error_code(),
              grpc::PERMISSION_DENIED);
  }
  // Another member named outright.
  EXPECT_EQ(Positions(kD1, &out, kCm01Token, "", "CM02").error_code(), grpc::PERMISSION_DENIED);
  pb::StreamNotificationsRequest stream_request;
  stream_request.set_member_id("CM02");
  grpc::ClientContext context;
  TestClearingHouse::Authorize(context, kCm01Token);
  auto reader = member_->StreamNotifications(&context, stream_request);
  pb::Notification n;
  EXPECT_FALSE(reader->Read(&n));
  EXPECT_EQ(reader->Finish().error_code(), grpc::PERMISSION_DENIED);
  // Treasury and the regulator must name the member; an unknown one is bad input.
  EXPECT_EQ(Positions(kD1, &out, kTreasuryToken).error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(Positions(kD1, &out, kRegulatorToken, "", "CM77").error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_TRUE(Positions(kD1, &out, kTreasuryToken, "CM01-H", "CM01").ok());
  // An account of another member than the one named: bad input for treasury.
  EXPECT_EQ(Positions(kD1, &out, kTreasuryToken, "CM02-H", "CM01").error_code(),
            grpc::INVALID_ARGUMENT);
}

TEST_F(MemberServiceTest, ANotificationStreamResumesWithoutGapsOrRepeats) {
  LoadHistory();
  TradeDay1();
  // CM01 listens from the start; CM02 listens too, for its own.
  auto first = std::make_unique<Listener>(*member_, kCm01Token, 0);
  Listener cm02(*member_, kCm02Token, 0);

  SettleDay(kD1, 3'200'000);                  // EOD_DONE for every member
  InstructCalls(kD1, "EOD", At(kD1, 18, 0));  // CM01 house called, CM02 customer
  const std::vector<pb::Notification> seen = first->WaitFor(2);
  ASSERT_EQ(Story(seen), (std::vector<std::string>{"EOD_DONE EOD 2026-11-23 pass 1",
                                                   "MARGIN_CALL EOD 2026-11-23 HOUSE USD pass 1"}));
  const int64_t last_seen = seen.back().notification_id();
  first.reset();  // the member disconnects

  // While it is away: a flag raised, an intraday call, the next day's run, the cure, and
  // replays of each that must write nothing new.
  RaiseFlag("COL-CM01-1", At(kD2, 10, 0));
  TradeDay2();
  InstructCalls(kD2, "INTRADAY1", At(kD2, 12, 0));
  SettleDay(kD2, 3'150'000);
  CureFlag("COL-CM01-1", At(kD2, 19, 0));
  RaiseFlag("COL-CM01-1", At(kD2, 20, 0));                       // the flag exists: nothing
  CureFlag("COL-CM01-1", At(kD2, 20, 0));                        // nothing open: nothing
  InstructCalls(kD2, "INTRADAY1", At(kD2, 20, 0));               // already instructed: nothing
  EXPECT_EQ(RunEod(kD2).status(), pb::EOD_RUN_STATUS_COMPLETE);  // a replay of a done run

  Listener second(*member_, kCm01Token, last_seen);
  const std::vector<std::string> rest = {"FLAG_RAISED FAILURE_TO_PAY COL-CM01-1",
                                         "INTRADAY_CALL INTRADAY1 2026-11-24 HOUSE USD pass 1",
                                         "EOD_DONE EOD 2026-11-24 pass 1",
                                         "FLAG_CURED FAILURE_TO_PAY COL-CM01-1"};
  std::vector<pb::Notification> resumed = second.WaitFor(rest.size());
  // Two more polls: nothing else may come.
  absl::SleepFor(absl::Milliseconds(600));
  resumed = second.Received();
  EXPECT_EQ(Story(resumed), rest);
  int64_t previous = last_seen;
  for (const pb::Notification& n : resumed) {
    EXPECT_GT(n.notification_id(), previous);
    EXPECT_EQ(n.member_id(), "CM01");
    previous = n.notification_id();
  }
  std::vector<std::string> whole = Story(seen);
  for (const std::string& s : Story(resumed)) whole.push_back(s);
  EXPECT_EQ(whole, StoredStory("CM01"));
  EXPECT_EQ(resumed.front().business_date(), kD1);  // the instruction's date
  EXPECT_NE(resumed[1].detail().find("12345 cents"), std::string::npos) << resumed[1].detail();

  // CM02 saw only its own: the two runs and its two customer calls, in order.
  const std::vector<std::string> cm02_story = {
      "EOD_DONE EOD 2026-11-23 pass 1", "MARGIN_CALL EOD 2026-11-23 CUSTOMER USD pass 1",
      "INTRADAY_CALL INTRADAY1 2026-11-24 CUSTOMER USD pass 1", "EOD_DONE EOD 2026-11-24 pass 1"};
  EXPECT_EQ(Story(cm02.WaitFor(cm02_story.size())), cm02_story);
  EXPECT_EQ(StoredStory("CM02"), cm02_story);
  // The regulator follows CM02 from its first notification's id: the rest of CM02's.
  Listener regulator(*member_, kRegulatorToken, cm02.Received().front().notification_id(), "CM02");
  EXPECT_EQ(Story(regulator.WaitFor(3)),
            std::vector<std::string>(cm02_story.begin() + 1, cm02_story.end()));
}

// The same story from the real writers: InstructPayments (end-of-day calls), a payment
// deadline passed (CheckPaymentDeadlines), RunIntradayCycle, a late gRPC confirmation (the
// cure) and the runs, each also replayed. What a member is told is counted from what each
// call answered, and the stream, read in two sittings, equals the stored notifications.
TEST_F(MemberServiceTest, TheRealWritersNotifyEachMemberOnceOfItsOwnEvents) {
  LoadHistory();
  TradeDay1();
  SetUpCash();
  auto first = std::make_unique<Listener>(*member_, kCm01Token, 0);
  Listener cm02(*member_, kCm02Token, 0);
  std::map<std::string, std::map<std::string, int>> expected;  // member -> kind -> count
  auto count_calls = [&](const auto& obligations, const std::string& kind) {
    for (const pb::Obligation& o : obligations) {
      if (o.stage() == "FINAL" && o.im_call_cents() > 0) ++expected[o.member_id()][kind];
    }
  };

  SettleDay(kD1, 3'200'000);
  pb::InstructPaymentsRequest instruct;
  instruct.set_business_date(kD1);
  pb::InstructPaymentsResponse instructed;
  ASSERT_TRUE(Cash(&pb::CashService::Stub::InstructPayments, instruct, &instructed).ok());
  count_calls(instructed.obligations(), "MARGIN_CALL");
  const size_t first_sitting = 1 + expected["CM01"]["MARGIN_CALL"];
  const std::vector<pb::Notification> seen = first->WaitFor(first_sitting);
  ASSERT_EQ(seen.size(), first_sitting);
  const int64_t last_seen = seen.back().notification_id();
  first.reset();  // the member disconnects

  // The collects' deadline (1 s) passes: a flag per unconfirmed collect.
  absl::SleepFor(absl::Milliseconds(1100));
  pb::CheckPaymentDeadlinesResponse deadlines;
  ASSERT_TRUE(Cash(&pb::CashService::Stub::CheckPaymentDeadlines,
                   pb::CheckPaymentDeadlinesRequest(), &deadlines)
                  .ok());
  for (const pb::MemberFlag& f : deadlines.raised()) ++expected[f.member_id()]["FLAG_RAISED"];
  // An intraday cycle at a lower price: CM01's long positions lose, CM02 gains.
  pb::RunIntradayCycleRequest intraday;
  intraday.set_cycle("INTRADAY1");
  pb::IntradayPrice* price = intraday.add_prices();
  price->set_instrument_id(kDec);
  price->set_price("3.000");
  pb::RunIntradayCycleResponse called;
  grpc::Status status = Cash(&pb::CashService::Stub::RunIntradayCycle, intraday, &called);
  ASSERT_TRUE(status.ok()) << status.error_message();
  count_calls(called.obligations(), "INTRADAY_CALL");
  SettleDay(kD2, 3'150'000);
  // Both runs done: every member is told, each time.
  for (const char* member : {"CM01", "CM02", "CM09"}) expected[member]["EOD_DONE"] = 2;
  // CM01's first collect is confirmed late: its flag is cured.
  const pb::PaymentInstruction* collect = nullptr;
  for (const pb::PaymentInstruction& p : instructed.instructions()) {
    if (p.member_id() == "CM01" && p.direction() == "COLLECT" && collect == nullptr) collect = &p;
  }
  ASSERT_NE(collect, nullptr);
  pb::ConfirmPaymentRequest confirm;
  pb::PaymentConfirmation* c = confirm.mutable_confirmation();
  c->set_idempotency_key("CONF-CM01-1");
  c->add_end_to_end_ids(collect->instruction_id());
  c->set_amount(FormatFixed(collect->amount_cents(), 2));
  c->set_currency("USD");
  c->set_account_number(collect->ccp_account_number());
  c->set_credit_debit("CRDT");
  pb::ConfirmPaymentsResponse confirmed;
  status = Cash(&pb::CashService::Stub::ConfirmPayment, confirm, &confirmed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(confirmed.results_size(), 1);
  ASSERT_EQ(confirmed.results(0).outcome(), "CONFIRMS") << confirmed.ShortDebugString();
  ++expected["CM01"]["FLAG_CURED"];
  // Replays of each: nothing new.
  ASSERT_TRUE(Cash(&pb::CashService::Stub::InstructPayments, instruct, &instructed).ok());
  EXPECT_TRUE(instructed.replayed());
  ASSERT_TRUE(Cash(&pb::CashService::Stub::CheckPaymentDeadlines,
                   pb::CheckPaymentDeadlinesRequest(), &deadlines)
                  .ok());
  EXPECT_EQ(deadlines.raised_size(), 0);
  ASSERT_TRUE(Cash(&pb::CashService::Stub::ConfirmPayment, confirm, &confirmed).ok());
  ASSERT_TRUE(Cash(&pb::CashService::Stub::RunIntradayCycle, intraday, &called).ok());
  EXPECT_EQ(RunEod(kD2).status(), pb::EOD_RUN_STATUS_COMPLETE);

  // Each kind happened to CM01, so the story below covers every trigger.
  for (const char* kind :
       {"EOD_DONE", "MARGIN_CALL", "FLAG_RAISED", "INTRADAY_CALL", "FLAG_CURED"}) {
    EXPECT_GT(expected["CM01"][kind], 0) << kind;
  }
  int cm01_total = 0;
  for (const auto& [kind, n] : expected["CM01"]) cm01_total += n;
  Listener second(*member_, kCm01Token, last_seen);
  second.WaitFor(cm01_total - seen.size());
  absl::SleepFor(absl::Milliseconds(600));  // two more polls: nothing else may come
  std::vector<pb::Notification> whole = seen;
  for (const pb::Notification& n : second.Received()) whole.push_back(n);
  EXPECT_EQ(Story(whole), StoredStory("CM01"));
  for (const std::string& member : {std::string("CM01"), std::string("CM02")}) {
    std::map<std::string, int> told;
    const std::vector<pb::Notification> notes =
        member == "CM01" ? whole : cm02.WaitFor(StoredStory("CM02").size());
    for (const pb::Notification& n : notes) {
      EXPECT_EQ(n.member_id(), member);
      ++told[n.kind()];
    }
    EXPECT_EQ(told, expected[member]) << member;
  }
  EXPECT_EQ(Story(cm02.Received()), StoredStory("CM02"));
}

// The reason for the counter: a writer that took an id blocks the next writer until it
// commits, so a reader never sees a later id before an earlier one is visible.
TEST_F(MemberServiceTest, NotificationIdsAreGivenInCommitOrder) {
  pqxx::connection first_connection(house_.database_url());
  pqxx::work first(first_connection);
  first.exec("SELECT add_notification('CM01', 'EOD_DONE', '2026-11-23', 'first', 'd', now())");
  std::atomic<bool> second_done = false;
  int64_t second_id = 0;
  std::thread second_writer([&] {
    pqxx::connection connection(house_.database_url());
    pqxx::work second(connection);
    second.exec("SELECT add_notification('CM01', 'EOD_DONE', '2026-11-24', 'second', 'd', now())");
    second_id = second.exec1("SELECT max(notification_id) FROM notifications")[0].as<int64_t>();
    second.commit();
    second_done = true;
  });
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_FALSE(second_done);  // queued behind the first writer
  EXPECT_TRUE(StoredStory("CM01").empty());
  const int64_t first_id =
      first.exec1("SELECT max(notification_id) FROM notifications")[0].as<int64_t>();
  first.commit();
  second_writer.join();
  EXPECT_LT(first_id, second_id);
  EXPECT_EQ(StoredStory("CM01"), (std::vector<std::string>{"EOD_DONE first", "EOD_DONE second"}));
  // The same (member, kind, subject) again is no new notification.
  Exec("SELECT add_notification('CM01', 'EOD_DONE', '2026-11-24', 'second', 'd', now())");
  EXPECT_EQ(StoredStory("CM01").size(), 2u);
}

TEST_F(MemberServiceTest, AShutdownEndsAnOpenStreamSoTheDrainIsNotHeldUp) {
  Listener listener(*member_, kCm01Token, 0);
  absl::SleepFor(absl::Milliseconds(300));  // the stream is open and polling
  const absl::Time start = absl::Now();
  house_.server().Shutdown(absl::Seconds(10));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  ASSERT_TRUE(listener.WaitEnded(absl::Seconds(5)));
  EXPECT_EQ(listener.status().error_code(), grpc::UNAVAILABLE);
  EXPECT_NE(listener.status().error_message().find("resume after notification 0"),
            std::string::npos)
      << listener.status().error_message();
}

}  // namespace
}  // namespace tc::testing
