// Treasury cash (CashService) through the real server, channel and PostgreSQL (no mocks),
// the server on a FixedClock the tests move by hand:
//   - worked examples of obligations, each through the real end-of-day run (trades,
//     prices, run, INDICATIVE, then InstructPayments FINAL), every amount worked by hand
//     below: variation margin only; an initial-margin call against cash and a bill after
//     its haircut; a withdrawal accepted and released in the next cycle (and one refused
//     naming its shortfall); house and customer never netted;
//   - reference data through UpsertCashReference and its refusals;
//   - the pain.008/pain.001 export read back with payments::ReadPainMessage and checked
//     field by field, pays held while collects are outstanding, re-exports byte-identical;
//   - confirmations: camt.054 (payments::WriteCamt054) and gRPC, replays, duplicates,
//     conflicts, breaks, malformed files, the reconciliation;
//   - failure to pay: the deadline on the clock, the flag, withdrawals refused, the cure;
//   - bad input naming the field and value; idempotent deposits;
//   - a seeded three-day workload against an independent model of the collateral, with
//     every payment confirmed through camt.054: cash conserved in the ledger;
//   - members see only their own rows;
//   - an intraday cycle: a loss above the threshold called once, a pending call counted.
#include <algorithm>
#include <cstdint>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "core/business_date.h"
#include "core/clock.h"
#include "core/fixed_point.h"
#include "core/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "payments/camt054_writer.h"
#include "payments/pain001_writer.h"
#include "payments/pain008_writer.h"
#include "payments/pain_reader.h"
#include "services/server/clearing_server.h"
#include "settlement/eod_step.h"
#include "store/pg_test_database.h"
#include "tests/settlement_desk.h"
#include "tests/test_clearing_house.h"
#include "tokenclear/v1/cash.grpc.pb.h"
#include "tokenclear/v1/ledger.grpc.pb.h"
#include "tokenclear/v1/margin.grpc.pb.h"
#include "tokenclear/v1/treasury.grpc.pb.h"

namespace tc::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kD1[] = "2026-11-23";  // Monday, the seeded open date
constexpr char kD2[] = "2026-11-24";
constexpr char kD3[] = "2026-11-25";
constexpr char kDec[] = "TKF-202612";
// ABA routing numbers, weights 3-7-1 repeated, the sum a multiple of 10:
constexpr char kBankA[] = "021000021";  // 0+14+1+0+0+0+0+14+1 = 30
constexpr char kBankB[] = "026009593";  // 0+14+6+0+0+9+15+63+3 = 110
constexpr char kBankC[] = "011000138";  // 0+7+1+0+0+0+3+21+8 = 40 (the CCP has no account there)
constexpr char kCcpAccountA[] = "CCP-USD-021";
constexpr char kCcpAccountB[] = "CCP-USD-026";
constexpr char kCcpName[] = "tokenclear CCP";
constexpr int kDeadlineSeconds = 7200;
constexpr char kSecurity[] = "912797KX4";  // a bill maturing 2027-02-18
constexpr char kSecurityMaturity[] = "2027-02-18";

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

// ISO 17442: the two check digits of an 18-character LEI base (ISO 7064 MOD 97-10, letters
// as 10..35), so that the whole number mod 97 is 1.
std::string Lei(const std::string& base) {
  int remainder = 0;
  for (char c : base + "00") {
    const int v = (c >= '0' && c <= '9') ? c - '0' : c - 'A' + 10;
    remainder = (remainder * (v >= 10 ? 100 : 10) + v) % 97;
  }
  return absl::StrFormat("%s%02d", base, 98 - remainder);
}

const std::string& CcpLei() {
  static const std::string* lei = new std::string(Lei("TOKENCLEARCCP00000"));
  return *lei;
}

// Initial margin micro-USD to cents, half away from zero (core RoundedDiv's rule, by hand).
int64_t RoundedCents(int64_t micros) {
  return micros >= 0 ? (micros + 5'000) / 10'000 : -((-micros + 5'000) / 10'000);
}

std::string Money(int64_t cents) { return FormatFixed(cents, 2); }

// Each member origin's settlement account and direct-debit mandate.
struct BankAccount {
  const char* member;
  const char* origin;
  const char* aba;
  const char* account;
  const char* mandate;
  const char* signed_on;
};
constexpr BankAccount kBankAccounts[] = {
    {"CM01", "HOUSE", kBankA, "CM01-H-0001", "MNDT-CM01-H", "2026-01-05"},
    {"CM01", "CUSTOMER", kBankB, "CM01-C-0001", "MNDT-CM01-C", "2026-01-06"},
    {"CM02", "HOUSE", kBankA, "CM02-H-0001", "MNDT-CM02-H", "2026-02-02"},
    {"CM02", "CUSTOMER", kBankB, "CM02-C-0001", "MNDT-CM02-C", "2026-02-03"},
    {"CM03", "HOUSE", kBankB, "CM03-H-0001", "MNDT-CM03-H", "2026-03-02"},
    {"CM03", "CUSTOMER", kBankA, "CM03-C-0001", "MNDT-CM03-C", "2026-03-03"},
};

const BankAccount& BankOf(const std::string& member, const std::string& origin) {
  for (const BankAccount& a : kBankAccounts) {
    if (a.member == member && a.origin == origin) return a;
  }
  ADD_FAILURE() << "no bank account for " << member << "/" << origin;
  return kBankAccounts[0];
}

std::string CcpAccountAt(const std::string& aba) {
  return aba == kBankA ? kCcpAccountA : kCcpAccountB;
}

std::string MemberLei(const std::string& member) {
  if (member == "CM01") return "5493001KJTIIGC8Y1R12";  // the test seed's
  if (member == "CM02") return "7LTWFZYICNSX8D621K86";
  return Lei("549300TCTESTCM0300");  // CM03, added by the workload
}

std::string Key(const std::string& member, const std::string& origin) {
  return absl::StrCat(member, "/", origin);
}
std::string Key(const pb::Obligation& o) { return Key(o.member_id(), o.origin()); }
std::string Key(const pb::PaymentInstruction& p) { return Key(p.member_id(), p.origin()); }

pb::Trade T(const std::string& id, const std::string& buyer, const std::string& seller,
            int64_t quantity, int64_t price, const std::string& date) {
  pb::Trade trade = TestClearingHouse::Trade(id, quantity);
  trade.set_instrument_id(kDec);
  trade.set_buyer_account_id(buyer);
  trade.set_seller_account_id(seller);
  trade.set_price_micros(price);
  trade.set_trade_date(date);
  // 14:30 UTC: outside the 15:30-16:00 settlement window (the prices here are EXCHANGE).
  trade.mutable_executed_at()->set_seconds(absl::ToUnixSeconds(At(date, 14, 30)));
  trade.mutable_executed_at()->set_nanos(0);
  trade.set_buyer_position_effect(pb::POSITION_EFFECT_OPEN);
  trade.set_seller_position_effect(pb::POSITION_EFFECT_OPEN);
  return trade;
}

// One camt.054 entry on the CCP's account.
struct Booking {
  std::string account;  // the CCP's account notified
  int64_t cents = 0;
  bool credit = true;  // CRDT: a collect came in; DBIT: a pay went out
  std::vector<std::string> ids;
  bool booked = true;
};

// A camt.054 as a settlement bank writes it: one Ntfctn per account, in first-seen order.
std::string Camt(const std::string& message_id, absl::Time created, const std::string& date,
                 const std::vector<Booking>& bookings) {
  std::vector<payments::Camt054Notification> notifications;
  for (const Booking& b : bookings) {
    auto it = std::find_if(notifications.begin(), notifications.end(),
                           [&](const auto& n) { return n.account_number == b.account; });
    if (it == notifications.end()) {
      notifications.push_back({absl::StrCat("N-", b.account), b.account, {}});
      it = notifications.end() - 1;
    }
    payments::Camt054Entry entry;
    entry.amount_cents = b.cents;
    entry.currency = "USD";
    entry.credit_debit = b.credit ? payments::CreditDebit::kCredit : payments::CreditDebit::kDebit;
    entry.status = b.booked ? payments::EntryStatus::kBooked : payments::EntryStatus::kPending;
    entry.booking_date = Day(date);
    entry.value_date = Day(date);
    entry.end_to_end_ids = b.ids;
    entry.remittance_text = "tokenclear settlement";
    it->entries.push_back(entry);
  }
  absl::StatusOr<std::string> xml = payments::WriteCamt054(message_id, created, notifications);
  EXPECT_TRUE(xml.ok()) << xml.status();
  return xml.ok() ? *xml : std::string();
}

// A booking of `p` exactly as instructed.
Booking BookingOf(const pb::PaymentInstruction& p) {
  return {CcpAccountAt(p.bank_aba()),
          p.amount_cents(),
          p.direction() == "COLLECT",
          {p.instruction_id()}};
}

struct EodCall {
  grpc::Status status;
  pb::EodRun run;
};

// A fresh database, a real ClearingServer on a FixedClock, a real channel, and the seed of
// tests/test_clearing_house.cc (TestClearingHouse has no clock seam, so it is repeated
// here): product TKF, TKF-202612 active, members CM01, CM02 (and CM09, suspended), their
// house and customer accounts, a principal per role, 2026-11-23 open.
class CashTest : public ::testing::Test {
 protected:
  CashTest() {
    services::ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.allow_plaintext = true;
    options.pg_url = database_.url();
    options.db_connections = 6;
    options.bootstrap_admin_token = kAdminToken;
    options.health_grace = absl::ZeroDuration();
    options.clock = &clock_;
    absl::StatusOr<std::unique_ptr<services::ClearingServer>> server =
        services::ClearingServer::Start(options);
    if (!server.ok()) {
      ADD_FAILURE() << "server did not start: " << server.status();
      return;
    }
    server_ = std::move(*server);
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(64 << 20);
    channel_ = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                         grpc::InsecureChannelCredentials(), arguments);
    cash_ = pb::CashService::NewStub(channel_);
    treasury_ = pb::TreasuryService::NewStub(channel_);
    ledger_ = pb::LedgerService::NewStub(channel_);
    margin_ = pb::MarginService::NewStub(channel_);
    reference_ = pb::ReferenceDataService::NewStub(channel_);
    trades_ = pb::TradeCaptureService::NewStub(channel_);
    Seed();
  }
  ~CashTest() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(2));
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  template <typename Stub, typename Method, typename Request, typename Response>
  static grpc::Status Call(Stub& stub, Method method, const std::string& token,
                           const Request& request, Response* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, token);
    return (stub.*method)(&context, request, response);
  }

  template <typename Request, typename Response>
  grpc::Status Cash(grpc::Status (pb::CashService::Stub::*method)(grpc::ClientContext*,
                                                                  const Request&, Response*),
                    const Request& request, Response* response,
                    const std::string& token = kTreasuryToken) {
    return Call(*cash_, method, token, request, response);
  }

  // ---- the seed ----

  template <typename Request, typename Response>
  void Admin(grpc::Status (pb::ReferenceDataService::Stub::*method)(grpc::ClientContext*,
                                                                    const Request&, Response*),
             const Request& request) {
    Response response;
    grpc::Status status = Call(*reference_, method, kAdminToken, request, &response);
    ASSERT_TRUE(status.ok()) << request.GetTypeName() << ": " << status.error_message();
  }

  void AddMember(const std::string& id, const std::string& lei, pb::MemberStatus status) {
    pb::UpsertMemberRequest request;
    request.mutable_member()->set_member_id(id);
    request.mutable_member()->set_name(absl::StrCat("Member ", id));
    request.mutable_member()->set_lei(lei);
    request.mutable_member()->set_status(status);
    Admin(&pb::ReferenceDataService::Stub::UpsertMember, request);
  }

  void AddAccount(const std::string& id, const std::string& member, pb::Origin origin,
                  pb::AccountStatus status = pb::ACCOUNT_STATUS_ACTIVE) {
    pb::UpsertAccountRequest request;
    pb::Account* a = request.mutable_account();
    a->set_account_id(id);
    a->set_member_id(member);
    a->set_origin(origin);
    a->set_account_class(origin == pb::ORIGIN_HOUSE ? pb::ACCOUNT_CLASS_MEMBER
                                                    : pb::ACCOUNT_CLASS_SPECULATOR);
    a->set_status(status);
    if (origin == pb::ORIGIN_CUSTOMER) a->set_customer_name(absl::StrCat("Customer of ", id));
    Admin(&pb::ReferenceDataService::Stub::UpsertAccount, request);
  }

  void Seed() {
    pb::UpsertProductRequest product;
    pb::Product* p = product.mutable_product();
    p->set_product_code("TKF");
    p->set_name("Frontier-model token index futures");
    p->set_index_code("TOKFRONT");
    p->set_contract_multiplier(1000);
    p->set_tick_size_micros(5000);
    p->set_currency("USD");
    p->set_listed_months(12);
    p->set_final_settlement_rule(pb::FINAL_SETTLEMENT_RULE_LAST_BUSINESS_DAY);
    p->set_last_trading_offset_days(1);
    p->set_settlement_type("CASH");
    p->set_max_trade_quantity(10'000);
    p->set_max_price_micros(1'000'000'000);
    Admin(&pb::ReferenceDataService::Stub::UpsertProduct, product);
    pb::UpsertInstrumentRequest instrument;
    pb::Instrument* i = instrument.mutable_instrument();
    i->set_instrument_id(kDec);
    i->set_product_code("TKF");
    i->set_contract_month("202612");
    i->set_last_trading_date("2026-12-30");
    i->set_final_settlement_date("2026-12-31");
    i->set_status(pb::INSTRUMENT_STATUS_ACTIVE);
    Admin(&pb::ReferenceDataService::Stub::UpsertInstrument, instrument);
    AddMember("CM01", MemberLei("CM01"), pb::MEMBER_STATUS_ACTIVE);
    AddMember("CM02", MemberLei("CM02"), pb::MEMBER_STATUS_ACTIVE);
    AddMember("CM09", "529900T8BM49AURSDO55", pb::MEMBER_STATUS_SUSPENDED);
    AddAccount("CM01-H", "CM01", pb::ORIGIN_HOUSE);
    AddAccount("CM01-C1", "CM01", pb::ORIGIN_CUSTOMER);
    AddAccount("CM01-C2", "CM01", pb::ORIGIN_CUSTOMER);
    AddAccount("CM02-H", "CM02", pb::ORIGIN_HOUSE);
    AddAccount("CM02-C1", "CM02", pb::ORIGIN_CUSTOMER);
    AddAccount("CM09-H", "CM09", pb::ORIGIN_HOUSE);
    for (auto [id, role, member, token] :
         {std::tuple{"exch1", pb::ROLE_EXCHANGE, "", kExchangeToken},
          std::tuple{"cm01-ops", pb::ROLE_MEMBER, "CM01", kCm01Token},
          std::tuple{"cm02-ops", pb::ROLE_MEMBER, "CM02", kCm02Token},
          std::tuple{"treasury1", pb::ROLE_TREASURY, "", kTreasuryToken},
          std::tuple{"treasury2", pb::ROLE_TREASURY, "", kTreasury2Token},
          std::tuple{"regulator1", pb::ROLE_REGULATOR, "", kRegulatorToken},
          std::tuple{"risk1", pb::ROLE_RISK, "", kRiskToken},
          std::tuple{"risk2", pb::ROLE_RISK, "", kRisk2Token}}) {
      pb::UpsertPrincipalRequest request;
      request.mutable_principal()->set_principal_id(id);
      request.mutable_principal()->set_role(role);
      request.mutable_principal()->set_member_id(member);
      request.mutable_principal()->set_token(token);
      Admin(&pb::ReferenceDataService::Stub::UpsertPrincipal, request);
    }
    pb::OpenFirstBusinessDateRequest open;
    open.set_business_date(kD1);
    Admin(&pb::ReferenceDataService::Stub::OpenFirstBusinessDate, open);
    LoadHistory();
  }

  // 60 business days of TOKFRONT ending on the open date: calibration's look-back.
  void LoadHistory() { LoadIndexHistory(channel_); }

  // ---- cash reference data ----

  static pb::UpsertCashReferenceRequest CashReference(bool with_cm03 = false) {
    pb::UpsertCashReferenceRequest request;
    pb::TreasurySettings* s = request.mutable_settings();
    s->set_ccp_name(kCcpName);
    s->set_ccp_lei(CcpLei());
    s->set_collect_deadline_seconds(kDeadlineSeconds);
    s->set_intraday_call_threshold("1000.00");
    for (auto [aba, account] : {std::pair{kBankA, kCcpAccountA}, std::pair{kBankB, kCcpAccountB}}) {
      pb::CcpBankAccount* a = request.add_ccp_bank_accounts();
      a->set_bank_aba(aba);
      a->set_currency("USD");
      a->set_account_number(account);
    }
    for (const BankAccount& b : kBankAccounts) {
      if (std::string(b.member) == "CM03" && !with_cm03) continue;
      pb::MemberBankAccount* a = request.add_member_bank_accounts();
      a->set_member_id(b.member);
      a->set_origin(b.origin);
      a->set_currency("USD");
      a->set_bank_aba(b.aba);
      a->set_account_number(b.account);
      a->set_mandate_id(b.mandate);
      a->set_mandate_signed(b.signed_on);
    }
    pb::CollateralClass* c = request.add_collateral_classes();
    c->set_class_code("UST_BILL");
    c->set_description("US Treasury bills");
    c->set_concentration_limit_bps(5000);  // may cover half of an origin's requirement
    for (auto [days, bps] : {std::pair{30, 50}, std::pair{90, 100}, std::pair{365, 200}}) {
      pb::HaircutBand* band = c->add_haircuts();
      band->set_max_days_to_maturity(days);
      band->set_haircut_bps(bps);
    }
    pb::CollateralSecurity* security = request.add_collateral_securities();
    security->set_security_id(kSecurity);
    security->set_class_code("UST_BILL");
    security->set_currency("USD");
    security->set_maturity_date(kSecurityMaturity);
    security->set_description("US Treasury bill 2027-02-18");
    return request;
  }

  void SetUpCash(bool with_cm03 = false) {
    pb::UpsertCashReferenceResponse response;
    grpc::Status status = Cash(&pb::CashService::Stub::UpsertCashReference,
                               CashReference(with_cm03), &response, kAdminToken);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // ---- collateral ----

  grpc::Status Move(bool deposit, const std::string& key, const std::string& member,
                    const std::string& origin, const std::string& amount,
                    pb::CollateralMovement* out, const std::string& security = "") {
    pb::MoveCollateralRequest request;
    request.set_idempotency_key(key);
    request.set_member_id(member);
    request.set_origin(origin);
    request.set_currency("USD");
    request.set_amount(amount);
    request.set_security_id(security);
    return Cash(deposit ? &pb::CashService::Stub::DepositCollateral
                        : &pb::CashService::Stub::WithdrawCollateral,
                request, out);
  }

  pb::CollateralMovement Deposit(const std::string& key, const std::string& member,
                                 const std::string& origin, int64_t cents,
                                 const std::string& security = "") {
    pb::CollateralMovement out;
    grpc::Status status = Move(true, key, member, origin, Money(cents), &out, security);
    EXPECT_TRUE(status.ok()) << key << ": " << status.error_message();
    return out;
  }

  std::map<std::string, pb::OriginCollateral> Collateral(
      const std::string& member = "", const std::string& token = kTreasuryToken,
      pb::ListCollateralResponse* all = nullptr) {
    pb::ListCollateralRequest request;
    request.set_member_id(member);
    pb::ListCollateralResponse response;
    grpc::Status status = Cash(&pb::CashService::Stub::ListCollateral, request, &response, token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, pb::OriginCollateral> out;
    for (const pb::OriginCollateral& o : response.origins()) {
      EXPECT_EQ(o.currency(), "USD");
      out[Key(o.member_id(), o.origin())] = o;
    }
    if (all != nullptr) *all = response;
    return out;
  }

  // ---- trades, prices, the end of day ----

  void SubmitOk(const std::vector<pb::Trade>& trades) {
    pb::SubmitTradesRequest request;
    for (const pb::Trade& t : trades) *request.add_events() = NewTradeEvent(t);
    pb::SubmitTradesResponse response;
    grpc::Status status = Call(*trades_, &pb::TradeCaptureService::Stub::SubmitTrades,
                               kExchangeToken, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.results_size(), static_cast<int>(trades.size()));
    for (const pb::TradeResult& r : response.results()) {
      ASSERT_EQ(r.outcome(), pb::TRADE_OUTCOME_ACCEPTED) << r.ShortDebugString();
    }
  }

  EodCall RunEod(const std::string& date) {
    pb::RunEndOfDayRequest request;
    request.set_business_date(date);
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, kTreasuryToken);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(240)));
    std::unique_ptr<grpc::ClientReader<pb::EodProgress>> reader =
        treasury_->RunEndOfDay(&context, request);
    EodCall call;
    pb::EodProgress message;
    while (reader->Read(&message)) {
      if (message.phase() == "END") call.run = message.run();
    }
    call.status = reader->Finish();
    return call;
  }

  // Calibrates (risk1) and approves (risk2) the margin parameters, submits the
  // exchange's settlement price of TKF-202612, four-eyes approves the set and runs the
  // whole end of day of `date`.
  void SettleDay(const std::string& date, int64_t price_micros) {
    CalibrateAndApprove(channel_, date);
    ApproveDayPrices(channel_, date, {{kDec, price_micros}});
    const EodCall call = RunEod(date);
    ASSERT_TRUE(call.status.ok()) << date << ": " << call.status.error_message();
    ASSERT_EQ(call.run.status(), pb::EOD_RUN_STATUS_COMPLETE) << call.run.ShortDebugString();
    ASSERT_EQ(call.run.steps_done(), settlement::kEodStepCount);
  }

  // "CM01/HOUSE" -> initial margin micro-USD of `date` (MarginService).
  std::map<std::string, int64_t> InitialMicros(const std::string& date) {
    pb::ListMarginRequirementsRequest request;
    request.set_business_date(date);
    pb::ListMarginRequirementsResponse response;
    grpc::Status status = Call(*margin_, &pb::MarginService::Stub::ListMarginRequirements,
                               kTreasuryToken, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, int64_t> out;
    for (const pb::OriginRequirement& o : response.origins()) {
      out[Key(o.member_id(), o.origin() == pb::ORIGIN_HOUSE ? "HOUSE" : "CUSTOMER")] +=
          o.initial_micros();
    }
    return out;
  }

  // "CM01/HOUSE" -> the cash of variation margin of `date`, cents (DAILY + FINAL).
  std::map<std::string, int64_t> VmCents(const std::string& date) {
    pb::ListVariationMarginRequest request;
    request.set_business_date(date);
    pb::ListVariationMarginResponse response;
    grpc::Status status = Call(*treasury_, &pb::TreasuryService::Stub::ListVariationMargin,
                               kTreasuryToken, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, int64_t> out;
    for (const pb::OriginVariationMargin& o : response.origins()) {
      out[Key(o.member_id(), o.origin() == pb::ORIGIN_HOUSE ? "HOUSE" : "CUSTOMER")] +=
          o.amount_cents();
    }
    return out;
  }

  // ---- obligations and instructions ----

  grpc::Status ListObligations(const std::string& date, const std::string& stage,
                               pb::ListObligationsResponse* out,
                               const std::string& token = kTreasuryToken,
                               const std::string& member = "") {
    pb::ListObligationsRequest request;
    request.set_business_date(date);
    request.set_stage(stage);
    request.set_member_id(member);
    return Cash(&pb::CashService::Stub::ListObligations, request, out, token);
  }

  // "CM01/HOUSE" -> the obligation of `stage`.
  std::map<std::string, pb::Obligation> Obligations(const std::string& date,
                                                    const std::string& stage) {
    pb::ListObligationsResponse response;
    grpc::Status status = ListObligations(date, stage, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, pb::Obligation> out;
    for (const pb::Obligation& o : response.obligations()) {
      EXPECT_EQ(o.stage(), stage);
      EXPECT_EQ(o.cycle(), "EOD");
      EXPECT_EQ(o.currency(), "USD");
      EXPECT_TRUE(out.emplace(Key(o), o).second) << "twice: " << Key(o);
    }
    return out;
  }

  pb::InstructPaymentsResponse Instruct(const std::string& date) {
    pb::InstructPaymentsRequest request;
    request.set_business_date(date);
    pb::InstructPaymentsResponse response;
    grpc::Status status = Cash(&pb::CashService::Stub::InstructPayments, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::vector<pb::PaymentInstruction> Instructions(const std::string& date,
                                                   const std::string& token = kTreasuryToken,
                                                   const std::string& member = "",
                                                   const std::string& status_filter = "") {
    pb::ListPaymentInstructionsRequest request;
    request.set_business_date(date);
    request.set_member_id(member);
    request.set_status(status_filter);
    pb::ListPaymentInstructionsResponse response;
    grpc::Status status =
        Cash(&pb::CashService::Stub::ListPaymentInstructions, request, &response, token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.instructions().begin(), response.instructions().end()};
  }

  pb::PaymentInstruction Instruction(const std::string& date, const std::string& id) {
    for (const pb::PaymentInstruction& p : Instructions(date)) {
      if (p.instruction_id() == id) return p;
    }
    ADD_FAILURE() << "no instruction " << id;
    return {};
  }

  pb::ExportPaymentsResponse Export(const std::string& date) {
    pb::ExportPaymentsRequest request;
    request.set_business_date(date);
    pb::ExportPaymentsResponse response;
    grpc::Status status = Cash(&pb::CashService::Stub::ExportPayments, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // The file read back with payments::ReadPainMessage, field by field against the
  // instructions of ListPaymentInstructions that name it and the reference data given.
  void ExpectFileMatches(const pb::PaymentFile& file, const std::string& date, absl::Time created) {
    SCOPED_TRACE(file.message_id());
    const bool collects = file.message_type() == "pain.008.001.08";
    if (!collects) {
      EXPECT_EQ(file.message_type(), "pain.001.001.09");
    }
    EXPECT_EQ(file.message_id(), absl::StrCat("TC-", absl::StrReplaceAll(date, {{"-", ""}}),
                                              "-EOD-", file.bank_aba(), collects ? "-DD" : "-CT"));
    EXPECT_EQ(file.file_name(), absl::StrCat(file.message_id(), ".xml"));
    EXPECT_EQ(file.document_sha256(), Sha256Hex(file.document()));
    absl::StatusOr<payments::PainMessage> read = payments::ReadPainMessage(file.document());
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->namespace_uri,
              collects ? payments::kPain008Namespace : payments::kPain001Namespace);
    EXPECT_EQ(read->header.message_id, file.message_id());
    EXPECT_EQ(read->header.creation_time, created);
    // An end-of-day cycle's money moves on the next business day.
    EXPECT_EQ(read->header.execution_date, Day(date) + 1);  // Mon-Wed here, no holidays
    EXPECT_EQ(read->ccp.name, kCcpName);
    EXPECT_EQ(read->ccp.lei, CcpLei());
    EXPECT_EQ(read->ccp.account_number, CcpAccountAt(file.bank_aba()));
    EXPECT_EQ(read->ccp.bank_aba, file.bank_aba());
    std::vector<pb::PaymentInstruction> expected;
    for (const pb::PaymentInstruction& p : Instructions(date)) {
      if (p.message_id() == file.message_id()) expected.push_back(p);
    }
    ASSERT_EQ(read->instructions.size(), expected.size());
    EXPECT_EQ(file.instruction_count(), static_cast<int>(expected.size()));
    EXPECT_EQ(read->number_of_transactions, static_cast<int64_t>(expected.size()));
    int64_t sum = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
      const pb::PaymentInstruction& want = expected[i];
      const payments::PaymentInstruction& got = read->instructions[i];
      SCOPED_TRACE(want.instruction_id());
      const BankAccount& bank = BankOf(want.member_id(), want.origin());
      EXPECT_EQ(want.direction(), collects ? "COLLECT" : "PAY");
      EXPECT_EQ(got.instruction_id, want.instruction_id());
      EXPECT_EQ(got.direction,
                collects ? payments::PaymentDirection::kCollect : payments::PaymentDirection::kPay);
      EXPECT_EQ(got.amount_cents, want.amount_cents());
      EXPECT_EQ(got.currency, "USD");
      EXPECT_EQ(want.currency(), "USD");
      EXPECT_EQ(got.member_account_number, want.member_account_number());
      EXPECT_EQ(got.member_account_number, bank.account);
      EXPECT_EQ(got.member_bank_aba, want.bank_aba());
      EXPECT_EQ(got.member_bank_aba, bank.aba);
      EXPECT_EQ(want.bank_aba(), file.bank_aba());
      EXPECT_EQ(got.member_lei, MemberLei(want.member_id()));
      EXPECT_EQ(got.member_name, absl::StrCat("Member ", want.member_id()));
      if (collects) {
        EXPECT_EQ(got.mandate_id, bank.mandate);
        ASSERT_TRUE(got.mandate_signature_date.has_value());
        EXPECT_EQ(*got.mandate_signature_date, Day(bank.signed_on));
      } else {
        EXPECT_EQ(got.mandate_id, "");
      }
      EXPECT_THAT(got.remittance_text, HasSubstr(absl::StrCat(date, " EOD ", want.origin())));
      sum += want.amount_cents();
    }
    EXPECT_EQ(read->control_sum_cents, sum);
    EXPECT_EQ(file.control_sum_cents(), sum);
  }

  // ---- confirmations ----

  grpc::Status Confirm(const std::string& key, const std::vector<std::string>& ids, int64_t cents,
                       const std::string& account, const std::string& credit_debit,
                       pb::ConfirmPaymentsResponse* out) {
    pb::ConfirmPaymentRequest request;
    pb::PaymentConfirmation* c = request.mutable_confirmation();
    c->set_idempotency_key(key);
    for (const std::string& id : ids) c->add_end_to_end_ids(id);
    c->set_amount(Money(cents));
    c->set_currency("USD");
    c->set_account_number(account);
    c->set_credit_debit(credit_debit);
    return Cash(&pb::CashService::Stub::ConfirmPayment, request, out);
  }

  // Confirms `p` over gRPC exactly as instructed; expects CONFIRMS.
  pb::ConfirmationResult ConfirmAsInstructed(const pb::PaymentInstruction& p,
                                             const std::string& key) {
    pb::ConfirmPaymentsResponse response;
    grpc::Status status =
        Confirm(key, {p.instruction_id()}, p.amount_cents(), CcpAccountAt(p.bank_aba()),
                p.direction() == "COLLECT" ? "CRDT" : "DBIT", &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.results_size(), 1);
    if (response.results_size() != 1) return {};
    EXPECT_EQ(response.results(0).outcome(), "CONFIRMS") << response.ShortDebugString();
    return response.results(0);
  }

  grpc::Status Import(const std::string& document, pb::ConfirmPaymentsResponse* out) {
    pb::ImportCamt054Request request;
    request.set_document(document);
    return Cash(&pb::CashService::Stub::ImportCamt054, request, out);
  }

  pb::Reconciliation Reconcile(const std::string& date) {
    pb::GetReconciliationRequest request;
    request.set_business_date(date);
    pb::Reconciliation response;
    grpc::Status status =
        Cash(&pb::CashService::Stub::GetReconciliation, request, &response, kRegulatorToken);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // ---- the ledger ----

  // ledger_account_id -> balance_cents; `sums` gets the sum per currency.
  std::map<std::string, int64_t> Balances(std::map<std::string, int64_t>* sums = nullptr,
                                          std::map<std::string, std::string>* kinds = nullptr) {
    pb::ListLedgerBalancesResponse response;
    grpc::Status status = Call(*ledger_, &pb::LedgerService::Stub::ListLedgerBalances,
                               kRegulatorToken, pb::ListLedgerBalancesRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, int64_t> out;
    for (const pb::LedgerBalance& b : response.balances()) {
      out[b.account().ledger_account_id()] = b.balance_cents();
      if (sums != nullptr) (*sums)[b.account().currency()] += b.balance_cents();
      if (kinds != nullptr) (*kinds)[b.account().ledger_account_id()] = b.account().kind();
    }
    return out;
  }

  static int64_t Get(const std::map<std::string, int64_t>& map, const std::string& key) {
    auto it = map.find(key);
    return it == map.end() ? 0 : it->second;
  }

  // Every journal entry, through LedgerService.ListJournalEntries, page by page.
  std::vector<pb::JournalEntry> Journal() {
    std::vector<pb::JournalEntry> out;
    pb::ListJournalEntriesRequest request;
    request.set_page_size(1000);
    for (;;) {
      pb::ListJournalEntriesResponse response;
      grpc::Status status = Call(*ledger_, &pb::LedgerService::Stub::ListJournalEntries,
                                 kTreasuryToken, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      out.insert(out.end(), response.entries().begin(), response.entries().end());
      if (!status.ok() || response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return out;
  }

  // How many journal entries have exactly `key`.
  int64_t Entries(const std::string& key) {
    int64_t n = 0;
    for (const pb::JournalEntry& e : Journal()) n += e.idempotency_key() == key;
    return n;
  }

  void ExpectLedgerOk() {
    pb::CheckLedgerResponse response;
    grpc::Status status = Call(*ledger_, &pb::LedgerService::Stub::CheckLedger, kTreasuryToken,
                               pb::CheckLedgerRequest(), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(response.ok()) << response.ShortDebugString();
  }

  // ---- SQL, for counting what was written ----

  int64_t Count(const std::string& sql) {
    pqxx::connection connection(database_.url());
    pqxx::work tx(connection);
    return tx.exec1(sql)[0].as<int64_t>();
  }

  // Rows of every table a refused call must leave alone (the audit log gets the refusal,
  // with its status code as the outcome, and no row of a change).
  std::map<std::string, int64_t> Written() {
    std::map<std::string, int64_t> out;
    for (const char* table :
         {"journal_entries", "journal_lines", "collateral_movements", "payment_confirmations",
          "camt_files", "payment_messages", "member_flags", "obligations"}) {
      out[table] = Count(absl::StrCat("SELECT count(*) FROM ", table));
    }
    out["audit_log"] = Count("SELECT count(*) FROM audit_log WHERE outcome = 'OK'");
    out["confirmed"] =
        Count("SELECT count(*) FROM payment_instructions WHERE status = 'CONFIRMED'");
    out["payment_instructions"] = Count("SELECT count(*) FROM payment_instructions");
    return out;
  }

  // The standard day: CM01-H buys 10 from CM02-H at 3.125000 and CM02-C1 buys 4 from
  // CM01-C1 at 3.140000; TKF-202612 settles at 3.150000. Each origin holds $100,000.00.
  // Variation margin, (S - P) x q x 1,000 tokens:
  //   CM01 HOUSE    (3.150000 - 3.125000) x 10 x 1000 = +250.00 -> +25,000 cents
  //   CM02 HOUSE                                       = -25,000 cents
  //   CM02 CUSTOMER (3.150000 - 3.140000) x 4 x 1000  =  +40.00 ->  +4,000 cents
  //   CM01 CUSTOMER                                    =  -4,000 cents
  // Collateral covers every requirement, so each net is its VM: collects CM01 CUSTOMER
  // 4,000 (bank B) and CM02 HOUSE 25,000 (bank A); pays CM01 HOUSE 25,000 (bank A) and
  // CM02 CUSTOMER 4,000 (bank B). Instruction IDs: collects first, each group in
  // (member, origin) order: 0001 CM01 CUSTOMER, 0002 CM02 HOUSE, 0003 CM01 HOUSE,
  // 0004 CM02 CUSTOMER.
  void StandardDay() {
    SetUpCash();
    for (const char* member : {"CM01", "CM02"}) {
      for (const char* origin : {"HOUSE", "CUSTOMER"}) {
        Deposit(absl::StrCat("DEP-", member, "-", origin), member, origin, 10'000'000);
      }
    }
    SubmitOk({T("T1", "CM01-H", "CM02-H", 10, 3'125'000, kD1),
              T("T2", "CM02-C1", "CM01-C1", 4, 3'140'000, kD1)});
    SettleDay(kD1, 3'150'000);
  }

  store::PgTestDatabase database_;
  // Before the wall clock (the server's RPC deadlines are its clock + their budget).
  FixedClock clock_{At(kD1, 18, 0)};
  std::unique_ptr<services::ClearingServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::CashService::Stub> cash_;
  std::unique_ptr<pb::TreasuryService::Stub> treasury_;
  std::unique_ptr<pb::LedgerService::Stub> ledger_;
  std::unique_ptr<pb::MarginService::Stub> margin_;
  std::unique_ptr<pb::ReferenceDataService::Stub> reference_;
  std::unique_ptr<pb::TradeCaptureService::Stub> trades_;
};

void ExpectObligation(const pb::Obligation& o, int64_t vm, int64_t requirement, int64_t value,
                      int64_t pending, int64_t deficit, int64_t im_call, int64_t release,
                      int64_t net) {
  SCOPED_TRACE(o.ShortDebugString());
  EXPECT_EQ(o.vm_cents(), vm);
  EXPECT_EQ(o.requirement_cents(), requirement);
  EXPECT_EQ(o.collateral_value_cents(), value);
  EXPECT_EQ(o.pending_call_cents(), pending);
  EXPECT_EQ(o.deficit_cents(), deficit);
  EXPECT_EQ(o.im_call_cents(), im_call);
  EXPECT_EQ(o.release_cents(), release);
  EXPECT_EQ(o.net_cents(), net);
}

void ExpectInstruction(const pb::PaymentInstruction& p, const std::string& id,
                       const std::string& member, const std::string& origin,
                       const std::string& direction, int64_t amount, int64_t vm, int64_t im_call,
                       int64_t release) {
  SCOPED_TRACE(p.ShortDebugString());
  EXPECT_EQ(p.instruction_id(), id);
  EXPECT_EQ(p.member_id(), member);
  EXPECT_EQ(p.origin(), origin);
  EXPECT_EQ(p.currency(), "USD");
  EXPECT_EQ(p.direction(), direction);
  EXPECT_EQ(p.amount_cents(), amount);
  EXPECT_EQ(p.vm_cents(), vm);
  EXPECT_EQ(p.im_call_cents(), im_call);
  EXPECT_EQ(p.release_cents(), release);
  const BankAccount& bank = BankOf(member, origin);
  EXPECT_EQ(p.bank_aba(), bank.aba);
  EXPECT_EQ(p.member_account_number(), bank.account);
}

// ---------------------------------------------------------------------------------------
// 2: reference data.
// ---------------------------------------------------------------------------------------
TEST_F(CashTest, CashReferenceIsUpsertedThroughTheApiAndChecked) {
  // The LEI helper against the seed: CM01's check digits are 12.
  EXPECT_EQ(Lei("5493001KJTIIGC8Y1R"), "5493001KJTIIGC8Y1R12");
  EXPECT_EQ(Lei("7LTWFZYICNSX8D621K"), "7LTWFZYICNSX8D621K86");

  const std::map<std::string, int64_t> before = Written();
  auto upsert = [&](const pb::UpsertCashReferenceRequest& request, const std::string& token,
                    pb::UpsertCashReferenceResponse* out) {
    return Cash(&pb::CashService::Stub::UpsertCashReference, request, out, token);
  };
  pb::UpsertCashReferenceResponse response;
  // Members cannot, treasury and admin can.
  EXPECT_EQ(upsert(CashReference(), kCm01Token, &response).error_code(), grpc::PERMISSION_DENIED);
  {
    // A bad check digit (021000022: sum 31), then the CCP's account named by position.
    pb::UpsertCashReferenceRequest bad = CashReference();
    bad.mutable_ccp_bank_accounts(1)->set_bank_aba("021000022");
    grpc::Status status = upsert(bad, kAdminToken, &response);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("ccp_bank_accounts[1].bank_aba"));
  }
  {
    pb::UpsertCashReferenceRequest bad = CashReference();
    bad.mutable_settings()->set_ccp_lei("TOKENCLEARCCP0000099");
    ASSERT_NE(CcpLei(), "TOKENCLEARCCP0000099");
    grpc::Status status = upsert(bad, kAdminToken, &response);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("settings.ccp_lei"));
  }
  {
    pb::UpsertCashReferenceRequest bad = CashReference();
    bad.mutable_settings()->set_collect_deadline_seconds(0);
    grpc::Status status = upsert(bad, kAdminToken, &response);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("settings.collect_deadline_seconds 0"));
  }
  {
    pb::UpsertCashReferenceRequest bad = CashReference();
    bad.mutable_member_bank_accounts(2)->set_member_id("CM77");
    grpc::Status status = upsert(bad, kAdminToken, &response);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(),
                HasSubstr("member_bank_accounts[2].member_id CM77 is not a member"));
  }
  {
    // A valid ABA where the CCP holds no USD account: the member could not be paid.
    pb::UpsertCashReferenceRequest bad = CashReference();
    bad.mutable_member_bank_accounts(0)->set_bank_aba(kBankC);
    grpc::Status status = upsert(bad, kAdminToken, &response);
    EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
    EXPECT_THAT(status.error_message(),
                HasSubstr(absl::StrCat("member_bank_accounts[0].bank_aba ", kBankC)));
  }
  {
    // Bands not ascending.
    pb::UpsertCashReferenceRequest bad = CashReference();
    bad.mutable_collateral_classes(0)->mutable_haircuts(2)->set_max_days_to_maturity(60);
    grpc::Status status = upsert(bad, kAdminToken, &response);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("collateral_classes[0]"));
  }
  EXPECT_EQ(Written(), before) << "a refused upsert writes nothing (not even the audit log)";

  // Settings 1 + CCP accounts 2 + member accounts 4 + the class 1 and its 3 haircut
  // bands + the security 1.
  ASSERT_TRUE(upsert(CashReference(), kAdminToken, &response).ok());
  EXPECT_EQ(response.rows_changed(), 12);
  // The same again changes nothing; treasury may upsert too.
  ASSERT_TRUE(upsert(CashReference(), kTreasuryToken, &response).ok());
  EXPECT_EQ(response.rows_changed(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM member_bank_accounts"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM collateral_haircuts WHERE class_code = 'UST_BILL'"), 3);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM treasury_settings WHERE ccp_lei = '", CcpLei(),
                               "' AND collect_deadline_seconds = ", kDeadlineSeconds,
                               " AND intraday_call_threshold_cents = 100000")),
            1);

  // The security is eligible: its price loads once, a deposit of it is held at face.
  pb::LoadCollateralPricesRequest prices;
  prices.set_price_date(kD1);
  pb::CollateralPrice* price = prices.add_prices();
  price->set_security_id(kSecurity);
  price->set_price("99.5");
  pb::LoadCollateralPricesResponse loaded;
  ASSERT_TRUE(Cash(&pb::CashService::Stub::LoadCollateralPrices, prices, &loaded).ok());
  EXPECT_EQ(loaded.loaded(), 1);
  ASSERT_TRUE(Cash(&pb::CashService::Stub::LoadCollateralPrices, prices, &loaded).ok());
  EXPECT_EQ(loaded.loaded(), 0);
  const pb::CollateralMovement bill = Deposit("SEC-CM01-1", "CM01", "HOUSE", 1'000'000, kSecurity);
  EXPECT_EQ(bill.kind(), "SECURITIES_DEPOSIT");
  EXPECT_EQ(bill.security_id(), kSecurity);
  const std::map<std::string, pb::OriginCollateral> held = Collateral("CM01");
  ASSERT_EQ(held.count("CM01/HOUSE"), 1u);
  ASSERT_EQ(held.at("CM01/HOUSE").securities_size(), 1);
  EXPECT_EQ(held.at("CM01/HOUSE").securities(0).security_id(), kSecurity);
  EXPECT_EQ(held.at("CM01/HOUSE").securities(0).class_code(), "UST_BILL");
  EXPECT_EQ(held.at("CM01/HOUSE").securities(0).face_cents(), 1'000'000);
  EXPECT_EQ(held.at("CM01/HOUSE").cash_cents(), 0);
}

// ---------------------------------------------------------------------------------------
// 1a: variation margin only.
// ---------------------------------------------------------------------------------------
TEST_F(CashTest, VariationMarginOnlyIsACollectAndAPayOfExactlyTheVm) {
  SetUpCash();
  Deposit("DEP-CM01-H", "CM01", "HOUSE", 10'000'000);  // $100,000.00
  Deposit("DEP-CM02-H", "CM02", "HOUSE", 10'000'000);
  SubmitOk({T("T1", "CM01-H", "CM02-H", 10, 3'125'000, kD1)});
  {
    // Before the run is complete there is nothing final to instruct.
    pb::InstructPaymentsRequest request;
    request.set_business_date(kD1);
    pb::InstructPaymentsResponse response;
    grpc::Status status = Cash(&pb::CashService::Stub::InstructPayments, request, &response);
    EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
    EXPECT_THAT(status.error_message(), HasSubstr("end-of-day run of 2026-11-23 is not complete"));
  }
  SettleDay(kD1, 3'150'000);

  // VM = (3.150000 - 3.125000) x 10 x 1000 = $250.00: CM01 HOUSE +25,000 cents, CM02 HOUSE
  // -25,000. Requirements: MarginService's initial margin rounded to cents once (with
  // this history and parameters, 10 contracts of a house: 2,100,000,000 micros = 210,000
  // cents each, well under the 10,000,000 held).
  const std::map<std::string, int64_t> im = InitialMicros(kD1);
  const int64_t r1 = RoundedCents(im.at("CM01/HOUSE"));
  const int64_t r2 = RoundedCents(im.at("CM02/HOUSE"));
  ASSERT_GT(r1, 0);
  ASSERT_GT(r2, 0);
  ASSERT_LT(r1, 10'000'000) << "the example needs the $100,000.00 to cover the requirement";
  ASSERT_LT(r2, 10'000'000);
  EXPECT_EQ(VmCents(kD1),
            (std::map<std::string, int64_t>{{"CM01/HOUSE", 25'000}, {"CM02/HOUSE", -25'000}}));

  // Indicative: value 10,000,000 >= requirement, so deficit 0, no call, net = VM.
  const std::map<std::string, pb::Obligation> indicative = Obligations(kD1, "INDICATIVE");
  ASSERT_EQ(indicative.size(), 2u);
  ExpectObligation(indicative.at("CM01/HOUSE"), 25'000, r1, 10'000'000, 0, 0, 0, 0, 25'000);
  ExpectObligation(indicative.at("CM02/HOUSE"), -25'000, r2, 10'000'000, 0, 0, 0, 0, -25'000);
  EXPECT_EQ(indicative.at("CM01/HOUSE").pass(), 1);

  const pb::InstructPaymentsResponse instructed = Instruct(kD1);
  EXPECT_FALSE(instructed.replayed());
  ASSERT_EQ(instructed.obligations_size(), 2);
  for (const pb::Obligation& o : instructed.obligations()) {
    EXPECT_EQ(o.stage(), "FINAL");
    const pb::Obligation& i = indicative.at(Key(o));
    EXPECT_EQ(o.net_cents(), i.net_cents());
    EXPECT_EQ(o.requirement_cents(), i.requirement_cents());
    EXPECT_EQ(o.collateral_value_cents(), i.collateral_value_cents());
  }
  ASSERT_EQ(instructed.instructions_size(), 2);
  // Collects first: the CCP pays out only what it has collected.
  ExpectInstruction(instructed.instructions(0), "TC-20261123-EOD-0001", "CM02", "HOUSE", "COLLECT",
                    25'000, -25'000, 0, 0);
  ExpectInstruction(instructed.instructions(1), "TC-20261123-EOD-0002", "CM01", "HOUSE", "PAY",
                    25'000, 25'000, 0, 0);
  for (const pb::PaymentInstruction& p : instructed.instructions()) {
    EXPECT_EQ(p.status(), "INSTRUCTED");
    EXPECT_EQ(p.message_id(), "");
    EXPECT_EQ(p.business_date(), kD1);
    EXPECT_EQ(p.cycle(), "EOD");
    EXPECT_EQ(p.deadline().seconds(),
              absl::ToUnixSeconds(At(kD1, 18, 0) + absl::Seconds(kDeadlineSeconds)));
  }
  const std::map<std::string, pb::Obligation> final_rows = Obligations(kD1, "FINAL");
  ASSERT_EQ(final_rows.size(), 2u);
  ExpectObligation(final_rows.at("CM01/HOUSE"), 25'000, r1, 10'000'000, 0, 0, 0, 0, 25'000);
  ExpectObligation(final_rows.at("CM02/HOUSE"), -25'000, r2, 10'000'000, 0, 0, 0, 0, -25'000);
  // Both stages are kept.
  pb::ListObligationsResponse both;
  ASSERT_TRUE(ListObligations(kD1, "", &both).ok());
  EXPECT_EQ(both.obligations_size(), 4);

  // Instructing again returns what the first call wrote.
  const std::map<std::string, int64_t> before = Written();
  const pb::InstructPaymentsResponse again = Instruct(kD1);
  EXPECT_TRUE(again.replayed());
  ASSERT_EQ(again.instructions_size(), 2);
  EXPECT_EQ(again.instructions(0).instruction_id(), "TC-20261123-EOD-0001");
  EXPECT_EQ(again.instructions(1).instruction_id(), "TC-20261123-EOD-0002");
  std::map<std::string, int64_t> after = Written();
  after.erase("audit_log");
  std::map<std::string, int64_t> expected = before;
  expected.erase("audit_log");
  EXPECT_EQ(after, expected);
}

// ---------------------------------------------------------------------------------------
// 1b: an initial-margin call against cash and a bill after its haircut.
// ---------------------------------------------------------------------------------------
TEST_F(CashTest, AnInitialMarginCallIsTheRequirementLessTheCollateralValue) {
  SetUpCash();
  pb::LoadCollateralPricesRequest prices;
  prices.set_price_date(kD1);
  pb::CollateralPrice* price = prices.add_prices();
  price->set_security_id(kSecurity);
  price->set_price("99.5");  // 995,000 per million of face
  pb::LoadCollateralPricesResponse loaded;
  ASSERT_TRUE(Cash(&pb::CashService::Stub::LoadCollateralPrices, prices, &loaded).ok());
  Deposit("DEP-CM01-H", "CM01", "HOUSE", 100'000'000);           // $1,000,000.00
  Deposit("DEP-CM02-H", "CM02", "HOUSE", 100'000);               // $1,000.00 cash
  Deposit("SEC-CM02-H", "CM02", "HOUSE", 2'000'000, kSecurity);  // $20,000.00 face
  SubmitOk({T("T1", "CM01-H", "CM02-H", 100, 3'125'000, kD1)});
  SettleDay(kD1, 3'150'000);

  // VM = (3.150000 - 3.125000) x 100 x 1000 = $2,500.00: CM02 HOUSE -250,000 cents.
  // The requirement r: MarginService's initial margin, micro-USD rounded to cents once
  // (with this history and these parameters 21,000,000,000 micros = 2,100,000 cents).
  const int64_t r = RoundedCents(InitialMicros(kD1).at("CM02/HOUSE"));
  // The bill on 2026-11-23, maturing 2027-02-18: 7 + 31 + 31 + 18 = 87 days, the band
  // up to 90 days, 100 bps.
  //   market        = 2,000,000 x 995,000 / 1,000,000      = 1,990,000 cents
  //   haircut       = 1,990,000 x 100 / 10,000              =    19,900
  //   after haircut = 1,990,000 - 19,900                    = 1,970,100
  //   cap           = r x 5,000 / 10,000 (rounded)          = 1,050,000 for r = 2,100,000
  //   counted       = min(after haircut, cap)               = 1,050,000: the cap binds
  //   value         = 100,000 cash + counted                = 1,150,000
  //   deficit       = r - value                             =   950,000 = im_call
  //   net           = -250,000 VM - 950,000                 = -1,200,000: collect $12,000.00
  const int64_t cap = (r * 5'000 + 5'000) / 10'000;
  ASSERT_LT(cap, 1'970'100) << "the example needs the concentration cap to bind";
  const int64_t counted = cap;
  const int64_t value = 100'000 + counted;
  const int64_t deficit = r - value;
  ASSERT_GT(deficit, 0) << "the example needs the requirement " << r << " above " << value;

  const std::map<std::string, pb::OriginCollateral> held = Collateral("CM02");
  ASSERT_EQ(held.count("CM02/HOUSE"), 1u);
  const pb::CollateralValuation& v = held.at("CM02/HOUSE").latest_valuation();
  EXPECT_EQ(v.business_date(), kD1);
  EXPECT_EQ(v.cash_cents(), 100'000);
  EXPECT_EQ(v.securities_market_cents(), 1'990'000);
  EXPECT_EQ(v.securities_after_haircut_cents(), 1'970'100);
  EXPECT_EQ(v.securities_counted_cents(), counted);
  EXPECT_EQ(v.value_cents(), value);
  EXPECT_EQ(v.requirement_cents(), r);
  EXPECT_EQ(v.excess_cents(), -deficit);

  // im_call = deficit = requirement - value; net = -250,000 - deficit: one collect.
  const std::map<std::string, pb::Obligation> indicative = Obligations(kD1, "INDICATIVE");
  ExpectObligation(indicative.at("CM02/HOUSE"), -250'000, r, value, 0, deficit, deficit, 0,
                   -250'000 - deficit);
  const int64_t r1 = RoundedCents(InitialMicros(kD1).at("CM01/HOUSE"));
  ExpectObligation(indicative.at("CM01/HOUSE"), 250'000, r1, 100'000'000, 0, 0, 0, 0, 250'000);

  const pb::InstructPaymentsResponse instructed = Instruct(kD1);
  ASSERT_EQ(instructed.instructions_size(), 2);
  const pb::PaymentInstruction call = instructed.instructions(0);
  ExpectInstruction(call, "TC-20261123-EOD-0001", "CM02", "HOUSE", "COLLECT", 250'000 + deficit,
                    -250'000, deficit, 0);
  ExpectInstruction(instructed.instructions(1), "TC-20261123-EOD-0002", "CM01", "HOUSE", "PAY",
                    250'000, 250'000, 0, 0);

  // Once the collect is confirmed the called cash is collateral: 100,000 + deficit, and
  // the member's cash account is settled back to zero.
  const pb::ConfirmationResult done = ConfirmAsInstructed(call, "BANK-A-CALL-1");
  EXPECT_EQ(done.journal_key(), "PAY/TC-20261123-EOD-0001");
  EXPECT_EQ(Collateral("CM02").at("CM02/HOUSE").cash_cents(), 100'000 + deficit);
  const std::map<std::string, int64_t> b = Balances();
  EXPECT_EQ(Get(b, "CM02:HOUSE:COLLATERAL_CASH:USD"), -(100'000 + deficit));
  EXPECT_EQ(Get(b, "CM02:HOUSE:CASH:USD"), 0);
  EXPECT_EQ(Get(b, "BANK:SETTLEMENT:USD"), 100'000'000 + 100'000 + 250'000 + deficit);
  ExpectLedgerOk();
}

// ---------------------------------------------------------------------------------------
// 1c: a withdrawal accepted and released in the next cycle; one refused.
// ---------------------------------------------------------------------------------------
TEST_F(CashTest, AnAcceptedWithdrawalIsPaidOutAsAReleaseInTheNextCycle) {
  SetUpCash();
  Deposit("DEP-CM01-H", "CM01", "HOUSE", 10'000'000);
  Deposit("DEP-CM02-H", "CM02", "HOUSE", 10'000'000);
  SubmitOk({T("T1", "CM01-H", "CM02-H", 10, 3'125'000, kD1)});
  SettleDay(kD1, 3'150'000);
  const pb::InstructPaymentsResponse d1 = Instruct(kD1);
  ASSERT_EQ(d1.instructions_size(), 2);
  ConfirmAsInstructed(d1.instructions(0), "BANK-A-D1-1");
  ConfirmAsInstructed(d1.instructions(1), "BANK-A-D1-2");
  const int64_t r1 = d1.obligations(0).member_id() == "CM01"
                         ? d1.obligations(0).requirement_cents()
                         : d1.obligations(1).requirement_cents();
  ASSERT_EQ(r1, RoundedCents(InitialMicros(kD1).at("CM01/HOUSE")));
  ASSERT_LT(r1, 5'000'000) << "the example withdraws $50,000.00 of $100,000.00";

  // 2026-11-24 is open. CM01 HOUSE holds 10,000,000 cents against the requirement r1 of
  // 2026-11-23 (the latest; 210,000 here). Withdrawing 10,000,000 - r1 + 1 cents
  // (97,900.01 USD) leaves 209,999 cents of value against 210,000: 1 cent short.
  clock_.Set(At(kD2, 10, 0));
  const std::map<std::string, int64_t> before = Written();
  pb::CollateralMovement out;
  grpc::Status refused =
      Move(false, "WD-CM01-BIG", "CM01", "HOUSE", Money(10'000'000 - r1 + 1), &out);
  EXPECT_EQ(refused.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(),
              HasSubstr(absl::StrCat("withdrawing ", Money(10'000'000 - r1 + 1),
                                     " USD would leave CM01 HOUSE 0.01 USD short of its initial "
                                     "margin requirement of ",
                                     Money(r1), " (collateral value after: ", Money(r1 - 1), ")")));
  // More than it holds.
  refused = Move(false, "WD-CM01-ALL", "CM01", "HOUSE", "100000.01", &out);
  EXPECT_EQ(refused.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("holds only 100000.00 USD of cash collateral"));
  EXPECT_EQ(Written(), before);

  // $50,000.00 leaves 5,000,000 >= r1: accepted, posted at once from COLLATERAL_CASH to
  // the member's CASH account (owed to it until paid).
  ASSERT_TRUE(Move(false, "WD-CM01-1", "CM01", "HOUSE", "50000.00", &out).ok());
  EXPECT_EQ(out.kind(), "CASH_WITHDRAWAL");
  EXPECT_EQ(out.amount_cents(), 5'000'000);
  EXPECT_EQ(out.business_date(), kD2);
  EXPECT_EQ(out.journal_key(), "COLL/WD-CM01-1");
  EXPECT_FALSE(out.replayed());
  {
    const std::map<std::string, int64_t> b = Balances();
    EXPECT_EQ(Get(b, "CM01:HOUSE:COLLATERAL_CASH:USD"), -5'000'000);
    EXPECT_EQ(Get(b, "CM01:HOUSE:CASH:USD"), -5'000'000);
    EXPECT_EQ(Get(b, "BANK:SETTLEMENT:USD"), 20'000'000);  // nothing left the bank yet
  }

  // Day 2, no trades, the price unchanged: VM 0. CM01 HOUSE: value 5,000,000, release
  // 5,000,000, net +5,000,000: one pay, the release.
  clock_.Set(At(kD2, 18, 0));
  SettleDay(kD2, 3'150'000);
  const int64_t r1d2 = RoundedCents(InitialMicros(kD2).at("CM01/HOUSE"));
  ASSERT_LE(r1d2, 5'000'000);
  const std::map<std::string, pb::Obligation> indicative = Obligations(kD2, "INDICATIVE");
  ExpectObligation(indicative.at("CM01/HOUSE"), 0, r1d2, 5'000'000, 0, 0, 0, 5'000'000, 5'000'000);
  EXPECT_EQ(indicative.at("CM02/HOUSE").net_cents(), 0);
  const pb::InstructPaymentsResponse d2 = Instruct(kD2);
  ASSERT_EQ(d2.instructions_size(), 1);
  ExpectInstruction(d2.instructions(0), "TC-20261124-EOD-0001", "CM01", "HOUSE", "PAY", 5'000'000,
                    0, 0, 5'000'000);
  const pb::ConfirmationResult paid = ConfirmAsInstructed(d2.instructions(0), "BANK-A-D2-1");
  EXPECT_EQ(paid.journal_key(), "PAY/TC-20261124-EOD-0001");
  const std::map<std::string, int64_t> b = Balances();
  EXPECT_EQ(Get(b, "CM01:HOUSE:CASH:USD"), 0);
  EXPECT_EQ(Get(b, "CM01:HOUSE:COLLATERAL_CASH:USD"), -5'000'000);
  EXPECT_EQ(Get(b, "BANK:SETTLEMENT:USD"), 15'000'000);
  const pb::Reconciliation recon = Reconcile(kD2);
  EXPECT_TRUE(recon.ok()) << recon.ShortDebugString();
  EXPECT_EQ(recon.bank_ledger_cents(), 15'000'000);
  EXPECT_EQ(recon.bank_movements_cents(), 15'000'000);
  ExpectLedgerOk();
}

// ---------------------------------------------------------------------------------------
// 1d: house and customer kept apart.
// ---------------------------------------------------------------------------------------
TEST_F(CashTest, AHouseSurplusNeverCoversACustomerDeficit) {
  SetUpCash();
  Deposit("DEP-CM01-H", "CM01", "HOUSE", 10'000'000);
  Deposit("DEP-CM02-H", "CM02", "HOUSE", 10'000'000);
  Deposit("DEP-CM02-C", "CM02", "CUSTOMER", 10'000'000);
  // CM01's customer holds nothing.
  SubmitOk({T("T1", "CM01-H", "CM02-H", 10, 3'125'000, kD1),
            T("T2", "CM01-C1", "CM02-C1", 10, 3'175'000, kD1)});
  SettleDay(kD1, 3'150'000);
  // VM: CM01 HOUSE (3.150 - 3.125) x 10 x 1000 = +25,000 cents; CM01 CUSTOMER
  // (3.150 - 3.175) x 10 x 1000 = -25,000; CM02 the opposite. CM01 nets to 0 VM, and its
  // house has ~$100,000 of excess, yet its customer origin is called its whole
  // requirement rc (value 0): collect 25,000 + rc, and the house is paid its 25,000.
  // (Here rc = 231,000 cents: customer margin on 10 long; the collect is 256,000.)
  const std::map<std::string, int64_t> im = InitialMicros(kD1);
  const int64_t rh = RoundedCents(im.at("CM01/HOUSE"));
  const int64_t rc = RoundedCents(im.at("CM01/CUSTOMER"));
  ASSERT_GT(rc, 0);
  ASSERT_LT(rh, 10'000'000);
  const std::map<std::string, pb::Obligation> indicative = Obligations(kD1, "INDICATIVE");
  ExpectObligation(indicative.at("CM01/HOUSE"), 25'000, rh, 10'000'000, 0, 0, 0, 0, 25'000);
  ExpectObligation(indicative.at("CM01/CUSTOMER"), -25'000, rc, 0, 0, rc, rc, 0, -25'000 - rc);
  const std::map<std::string, pb::OriginCollateral> held = Collateral("CM01");
  EXPECT_EQ(held.at("CM01/HOUSE").latest_valuation().excess_cents(), 10'000'000 - rh);
  EXPECT_EQ(held.at("CM01/CUSTOMER").latest_valuation().excess_cents(), -rc);

  const pb::InstructPaymentsResponse instructed = Instruct(kD1);
  std::map<std::string, pb::PaymentInstruction> by_origin;
  for (const pb::PaymentInstruction& p : instructed.instructions()) by_origin[Key(p)] = p;
  ASSERT_EQ(by_origin.size(), 4u);
  // Collects first in (member, origin) order, then pays.
  ExpectInstruction(by_origin.at("CM01/CUSTOMER"), "TC-20261123-EOD-0001", "CM01", "CUSTOMER",
                    "COLLECT", 25'000 + rc, -25'000, rc, 0);
  ExpectInstruction(by_origin.at("CM02/HOUSE"), "TC-20261123-EOD-0002", "CM02", "HOUSE", "COLLECT",
                    25'000, -25'000, 0, 0);
  ExpectInstruction(by_origin.at("CM01/HOUSE"), "TC-20261123-EOD-0003", "CM01", "HOUSE", "PAY",
                    25'000, 25'000, 0, 0);
  ExpectInstruction(by_origin.at("CM02/CUSTOMER"), "TC-20261123-EOD-0004", "CM02", "CUSTOMER",
                    "PAY", 25'000, 25'000, 0, 0);
}

// ---------------------------------------------------------------------------------------
// 3 + 4: export, confirmations, reconciliation.
// ---------------------------------------------------------------------------------------
TEST_F(CashTest, ExportConfirmAndReconcileACycle) {
  StandardDay();
  const pb::InstructPaymentsResponse instructed = Instruct(kD1);
  ASSERT_EQ(instructed.instructions_size(), 4);
  ExpectInstruction(instructed.instructions(0), "TC-20261123-EOD-0001", "CM01", "CUSTOMER",
                    "COLLECT", 4'000, -4'000, 0, 0);
  ExpectInstruction(instructed.instructions(1), "TC-20261123-EOD-0002", "CM02", "HOUSE", "COLLECT",
                    25'000, -25'000, 0, 0);
  ExpectInstruction(instructed.instructions(2), "TC-20261123-EOD-0003", "CM01", "HOUSE", "PAY",
                    25'000, 25'000, 0, 0);
  ExpectInstruction(instructed.instructions(3), "TC-20261123-EOD-0004", "CM02", "CUSTOMER", "PAY",
                    4'000, 4'000, 0, 0);
  const pb::PaymentInstruction collect_b = instructed.instructions(0);  // bank B
  const pb::PaymentInstruction collect_a = instructed.instructions(1);  // bank A
  const pb::PaymentInstruction pay_a = instructed.instructions(2);
  const pb::PaymentInstruction pay_b = instructed.instructions(3);

  // ---- export: the collects only, one pain.008 per bank ----
  clock_.Set(At(kD1, 18, 5));
  const absl::Time collects_at = clock_.Now();
  const pb::ExportPaymentsResponse first = Export(kD1);
  EXPECT_EQ(first.collects_outstanding(), 2);
  ASSERT_EQ(first.files_size(), 2);
  EXPECT_EQ(first.files(0).message_id(), "TC-20261123-EOD-021000021-DD");
  EXPECT_EQ(first.files(1).message_id(), "TC-20261123-EOD-026009593-DD");
  for (const pb::PaymentFile& f : first.files()) {
    EXPECT_EQ(f.message_type(), "pain.008.001.08");
    EXPECT_EQ(f.instruction_count(), 1);
    ExpectFileMatches(f, kD1, collects_at);
  }
  EXPECT_EQ(first.files(0).control_sum_cents(), 25'000);
  EXPECT_EQ(first.files(1).control_sum_cents(), 4'000);
  for (const pb::PaymentInstruction& p : Instructions(kD1)) {
    EXPECT_EQ(p.message_id(), p.direction() == "COLLECT"
                                  ? absl::StrCat("TC-20261123-EOD-", p.bank_aba(), "-DD")
                                  : "")
        << p.instruction_id();
  }
  // Again, later: the same bytes, pays still held.
  clock_.Set(At(kD1, 18, 10));
  const pb::ExportPaymentsResponse second = Export(kD1);
  EXPECT_EQ(second.collects_outstanding(), 2);
  ASSERT_EQ(second.files_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(second.files(i).document(), first.files(i).document());
    EXPECT_EQ(second.files(i).document_sha256(), first.files(i).document_sha256());
  }

  // ---- the collects confirmed by a camt.054 ----
  const std::string camt =
      Camt("BANK-20261124-1", At(kD2, 7, 0), kD2, {BookingOf(collect_a), BookingOf(collect_b)});
  pb::ConfirmPaymentsResponse imported;
  grpc::Status status = Import(camt, &imported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(imported.replayed());
  ASSERT_EQ(imported.results_size(), 2);
  EXPECT_EQ(imported.results(0).outcome(), "CONFIRMS");
  EXPECT_THAT(imported.results(0).instruction_ids(), ElementsAre("TC-20261123-EOD-0002"));
  EXPECT_EQ(imported.results(0).journal_key(), "PAY/TC-20261123-EOD-0002");
  EXPECT_EQ(imported.results(1).outcome(), "CONFIRMS");
  EXPECT_EQ(imported.results(1).journal_key(), "PAY/TC-20261123-EOD-0001");
  for (const pb::PaymentInstruction& p : Instructions(kD1)) {
    EXPECT_EQ(p.status(), p.direction() == "COLLECT" ? "CONFIRMED" : "INSTRUCTED")
        << p.instruction_id();
  }
  EXPECT_EQ(Entries("PAY/TC-20261123-EOD-0001"), 1);
  EXPECT_EQ(Entries("PAY/TC-20261123-EOD-0002"), 1);
  {
    // PAY/...0002 settles CM02 HOUSE's collect: the CCP's bank account is debited
    // (+25,000, the cash came in) and CM02's cash account credited (-25,000), clearing the
    // +25,000 the end-of-day VM posting left CM02 owing.
    std::map<std::string, int64_t> lines;
    for (const pb::JournalEntry& e : Journal()) {
      if (e.idempotency_key() != "PAY/TC-20261123-EOD-0002") continue;
      EXPECT_EQ(e.kind(), "PAYMENT_SETTLEMENT");
      EXPECT_EQ(e.business_date(), kD1);
      for (const pb::JournalLine& l : e.lines()) {
        lines[l.account().ledger_account_id()] += l.amount_cents();
      }
    }
    EXPECT_EQ(lines, (std::map<std::string, int64_t>{{"BANK:SETTLEMENT:USD", 25'000},
                                                     {"CM02:HOUSE:CASH:USD", -25'000}}));
    const std::map<std::string, int64_t> b = Balances();
    EXPECT_EQ(Get(b, "CM02:HOUSE:CASH:USD"), 0);
    EXPECT_EQ(Get(b, "CM01:CUSTOMER:CASH:USD"), 0);
    EXPECT_EQ(Get(b, "BANK:SETTLEMENT:USD"), 40'000'000 + 29'000);
  }
  const std::map<std::string, int64_t> after_confirm = Written();

  // The same file again: replayed, nothing posted twice.
  pb::ConfirmPaymentsResponse replayed;
  ASSERT_TRUE(Import(camt, &replayed).ok());
  EXPECT_TRUE(replayed.replayed());
  ASSERT_EQ(replayed.results_size(), 2);
  EXPECT_EQ(replayed.results(0).outcome(), "CONFIRMS");
  EXPECT_EQ(Entries("PAY/TC-20261123-EOD-0002"), 1);
  {
    std::map<std::string, int64_t> now = Written(), then = after_confirm;
    now.erase("audit_log");
    then.erase("audit_log");
    EXPECT_EQ(now, then);
  }

  // Another file (another MsgId, so other bytes) booking the same collect: recognised by
  // the booking's fingerprint, ALREADY_CONFIRMED, not posted again.
  {
    pb::ConfirmPaymentsResponse again;
    ASSERT_TRUE(
        Import(Camt("BANK-20261124-1B", At(kD2, 7, 30), kD2, {BookingOf(collect_a)}), &again).ok());
    EXPECT_FALSE(again.replayed());
    ASSERT_EQ(again.results_size(), 1);
    EXPECT_EQ(again.results(0).outcome(), "ALREADY_CONFIRMED");
    EXPECT_EQ(Entries("PAY/TC-20261123-EOD-0002"), 1);
  }
  // Over gRPC, the same booking again under a new key: ALREADY_CONFIRMED, never posted.
  pb::ConfirmPaymentsResponse duplicate;
  ASSERT_TRUE(Confirm("BANK-A-DUP-1", {collect_a.instruction_id()}, 25'000, kCcpAccountA, "CRDT",
                      &duplicate)
                  .ok());
  ASSERT_EQ(duplicate.results_size(), 1);
  EXPECT_EQ(duplicate.results(0).outcome(), "ALREADY_CONFIRMED");
  EXPECT_EQ(duplicate.results(0).journal_key(), "");
  // The same key and content again: the stored answer.
  ASSERT_TRUE(Confirm("BANK-A-DUP-1", {collect_a.instruction_id()}, 25'000, kCcpAccountA, "CRDT",
                      &duplicate)
                  .ok());
  EXPECT_TRUE(duplicate.replayed());
  EXPECT_EQ(duplicate.results(0).outcome(), "ALREADY_CONFIRMED");
  EXPECT_EQ(Entries("PAY/TC-20261123-EOD-0002"), 1);
  // A different amount for the confirmed collect contradicts a final payment: refused,
  // nothing written.
  {
    const std::map<std::string, int64_t> before = Written();
    pb::ConfirmPaymentsResponse conflict;
    status = Confirm("BANK-A-CONFLICT-1", {collect_a.instruction_id()}, 25'001, kCcpAccountA,
                     "CRDT", &conflict);
    EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
    EXPECT_THAT(status.error_message(), HasSubstr("contradict payments already final"));
    EXPECT_EQ(Written(), before);
  }

  // ---- the pays: exported once every collect is confirmed ----
  clock_.Set(At(kD2, 8, 0));
  const absl::Time pays_at = clock_.Now();
  const pb::ExportPaymentsResponse third = Export(kD1);
  EXPECT_EQ(third.collects_outstanding(), 0);
  ASSERT_EQ(third.files_size(), 4);
  // Per bank: the collects file (as first exported), then the pays file.
  EXPECT_EQ(third.files(0).document(), first.files(0).document());
  EXPECT_EQ(third.files(1).message_id(), "TC-20261123-EOD-021000021-CT");
  EXPECT_EQ(third.files(2).document(), first.files(1).document());
  EXPECT_EQ(third.files(3).message_id(), "TC-20261123-EOD-026009593-CT");
  ExpectFileMatches(third.files(1), kD1, pays_at);
  ExpectFileMatches(third.files(3), kD1, pays_at);
  EXPECT_EQ(third.files(1).control_sum_cents(), 25'000);
  EXPECT_EQ(third.files(3).control_sum_cents(), 4'000);
  const pb::ExportPaymentsResponse fourth = Export(kD1);
  ASSERT_EQ(fourth.files_size(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(fourth.files(i).document(), third.files(i).document());

  // ---- breaks: a wrong amount for an unconfirmed pay, an unknown end-to-end id ----
  pb::ConfirmPaymentsResponse broken;
  ASSERT_TRUE(
      Confirm("BANK-A-WRONG-1", {pay_a.instruction_id()}, 24'999, kCcpAccountA, "DBIT", &broken)
          .ok());
  ASSERT_EQ(broken.results_size(), 1);
  EXPECT_EQ(broken.results(0).outcome(), "BREAK");
  EXPECT_EQ(broken.results(0).break_reason(), "AMOUNT_MISMATCH");
  EXPECT_THAT(broken.results(0).detail(), HasSubstr("249.99"));
  EXPECT_EQ(broken.results(0).journal_key(), "");
  EXPECT_EQ(Entries("PAY/TC-20261123-EOD-0003"), 0);
  EXPECT_EQ(Instruction(kD1, pay_a.instruction_id()).status(), "INSTRUCTED");
  ASSERT_TRUE(
      Confirm("BANK-A-UNKNOWN-1", {"TC-20261123-EOD-0099"}, 1'000, kCcpAccountA, "CRDT", &broken)
          .ok());
  ASSERT_EQ(broken.results_size(), 1);
  EXPECT_EQ(broken.results(0).outcome(), "BREAK");
  EXPECT_EQ(broken.results(0).break_reason(), "UNKNOWN_INSTRUCTION");
  {
    // A pending (PDNG) entry for bank B's pay: announced, not final, never posted.
    pb::ConfirmPaymentsResponse pending;
    Booking announced = BookingOf(pay_b);
    announced.booked = false;
    ASSERT_TRUE(Import(Camt("BANK-20261124-P", At(kD2, 8, 30), kD2, {announced}), &pending).ok());
    ASSERT_EQ(pending.results_size(), 1);
    EXPECT_EQ(pending.results(0).outcome(), "PENDING");
    EXPECT_EQ(Entries("PAY/TC-20261123-EOD-0004"), 0);
    const pb::Reconciliation recon = Reconcile(kD1);
    EXPECT_EQ(recon.unconfirmed(), 2);
    EXPECT_EQ(recon.pending_confirmations(), 1);
    EXPECT_TRUE(recon.ok()) << recon.ShortDebugString();
    std::map<std::string, std::string> breaks;
    for (const pb::PaymentBreak& b : recon.breaks()) {
      breaks[b.reference()] = b.break_reason();
      if (b.reference() == "BANK-A-WRONG-1") {
        EXPECT_EQ(b.source(), "GRPC");
        EXPECT_EQ(b.amount_cents(), 24'999);
        EXPECT_THAT(b.end_to_end_ids(), ElementsAre(pay_a.instruction_id()));
      }
    }
    EXPECT_EQ(breaks,
              (std::map<std::string, std::string>{{"BANK-A-WRONG-1", "AMOUNT_MISMATCH"},
                                                  {"BANK-A-UNKNOWN-1", "UNKNOWN_INSTRUCTION"}}));
  }

  // ---- malformed camt.054 files: refused naming the problem, nothing written ----
  {
    const std::map<std::string, int64_t> before = Written();
    const std::string good =
        Camt("BANK-20261124-2", At(kD2, 9, 0), kD2, {BookingOf(pay_a), BookingOf(pay_b)});
    ASSERT_THAT(good, HasSubstr(">250.00<"));
    ASSERT_THAT(good, HasSubstr(payments::kCamt054Namespace));
    pb::ConfirmPaymentsResponse refused;
    status = Import("this is not XML", &refused);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("camt.054.001.08 refused"));
    status = Import(absl::StrReplaceAll(good, {{"camt.054.001.08", "camt.054.001.02"}}), &refused);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("camt.054.001.08 refused"));
    // The second entry (the second Ntfctn, bank B's pay of 40.00) with three decimals.
    status = Import(absl::StrReplaceAll(good, {{">40.00<", ">40.005<"}}), &refused);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("Ntfctn[1].Ntry[0]"));
    EXPECT_THAT(status.error_message(), HasSubstr("Amt '40.005' has more than 2 decimals"));
    EXPECT_EQ(Written(), before);

    // ---- the pays confirmed ----
    ASSERT_TRUE(Import(good, &imported).ok());
    ASSERT_EQ(imported.results_size(), 2);
    for (const pb::ConfirmationResult& r : imported.results()) {
      EXPECT_EQ(r.outcome(), "CONFIRMS") << r.ShortDebugString();
    }
  }
  for (const pb::PaymentInstruction& p : Instructions(kD1)) {
    EXPECT_EQ(p.status(), "CONFIRMED") << p.instruction_id();
    EXPECT_EQ(Entries(absl::StrCat("PAY/", p.instruction_id())), 1) << p.instruction_id();
  }

  // ---- the reconciliation ----
  const pb::Reconciliation recon = Reconcile(kD1);
  EXPECT_TRUE(recon.ok()) << recon.ShortDebugString();
  EXPECT_EQ(recon.instructions(), 4);
  EXPECT_EQ(recon.confirmed(), 4);
  EXPECT_EQ(recon.unconfirmed(), 0);
  EXPECT_EQ(recon.breaks_size(), 2);  // reported for treasury, not failures of the books
  ASSERT_EQ(recon.variation_margin_size(), 1);
  const pb::VmBalance& vm = recon.variation_margin(0);
  EXPECT_EQ(vm.currency(), "USD");
  EXPECT_EQ(vm.collects_cents(), 29'000);
  EXPECT_EQ(vm.pays_cents(), 29'000);
  EXPECT_EQ(vm.collects_minus_pays_cents(), vm.ccp_rounding_cents());
  EXPECT_EQ(vm.ccp_rounding_cents(), 0);  // every VM here is whole cents
  // Deposits 4 x 10,000,000 + collects 29,000 - pays 29,000.
  EXPECT_EQ(recon.bank_ledger_cents(), 40'000'000);
  EXPECT_EQ(recon.bank_movements_cents(), 40'000'000);
  std::map<std::string, std::string> kinds;
  const std::map<std::string, int64_t> b = Balances(nullptr, &kinds);
  for (const auto& [id, kind] : kinds) {
    if (kind == "MEMBER_CASH") {
      EXPECT_EQ(b.at(id), 0) << id;
    }
  }
  ExpectLedgerOk();
}

// ---------------------------------------------------------------------------------------
// 5: failure to pay.
// ---------------------------------------------------------------------------------------
TEST_F(CashTest, AnUnpaidCollectFlagsItsMemberUntilALateConfirmationCuresIt) {
  StandardDay();
  const pb::InstructPaymentsResponse instructed = Instruct(kD1);  // at 18:00, deadline 20:00
  ASSERT_EQ(instructed.instructions_size(), 4);
  const pb::PaymentInstruction collect_cm01 = instructed.instructions(0);
  const pb::PaymentInstruction collect_cm02 = instructed.instructions(1);
  ASSERT_EQ(collect_cm02.member_id(), "CM02");
  ASSERT_EQ(Export(kD1).collects_outstanding(), 2);
  ConfirmAsInstructed(collect_cm01, "BANK-B-1");

  auto check = [&]() {
    pb::CheckPaymentDeadlinesResponse response;
    grpc::Status status = Cash(&pb::CashService::Stub::CheckPaymentDeadlines,
                               pb::CheckPaymentDeadlinesRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  // One second before the deadline nothing is overdue.
  clock_.Set(At(kD1, 18, 0) + absl::Seconds(kDeadlineSeconds - 1));
  pb::CheckPaymentDeadlinesResponse checked = check();
  EXPECT_EQ(checked.raised_size(), 0);
  EXPECT_EQ(checked.overdue_collects(), 0);
  // At the deadline CM02's collect is a failure to pay.
  clock_.Set(At(kD1, 18, 0) + absl::Seconds(kDeadlineSeconds));
  checked = check();
  ASSERT_EQ(checked.raised_size(), 1);
  EXPECT_EQ(checked.overdue_collects(), 1);
  const pb::MemberFlag raised = checked.raised(0);
  EXPECT_EQ(raised.member_id(), "CM02");
  EXPECT_EQ(raised.flag(), "FAILURE_TO_PAY");
  EXPECT_EQ(raised.instruction_id(), "TC-20261123-EOD-0002");
  EXPECT_THAT(raised.reason(), HasSubstr("collect TC-20261123-EOD-0002 of 250.00 USD"));
  EXPECT_THAT(raised.reason(), HasSubstr("2026-11-23T20:00:00Z"));
  EXPECT_EQ(raised.raised_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_FALSE(raised.has_cured_at());
  // A collect flags once.
  clock_.Advance(absl::Minutes(5));
  checked = check();
  EXPECT_EQ(checked.raised_size(), 0);
  EXPECT_EQ(checked.overdue_collects(), 1);

  // Seen by treasury, by the member itself and by the regulator; not by another member.
  auto flags = [&](const std::string& token, const std::string& member, bool open_only,
                   pb::ListMemberFlagsResponse* out) {
    pb::ListMemberFlagsRequest request;
    request.set_member_id(member);
    request.set_open_only(open_only);
    return Cash(&pb::CashService::Stub::ListMemberFlags, request, out, token);
  };
  for (const char* token : {kTreasuryToken, kCm02Token, kRegulatorToken}) {
    pb::ListMemberFlagsResponse listed;
    ASSERT_TRUE(flags(token, "", true, &listed).ok()) << token;
    ASSERT_EQ(listed.flags_size(), 1) << token;
    EXPECT_EQ(listed.flags(0).flag_id(), raised.flag_id());
    EXPECT_EQ(listed.flags(0).member_id(), "CM02");
    EXPECT_EQ(listed.flags(0).reason(), raised.reason());
  }
  {
    pb::ListMemberFlagsResponse listed;
    EXPECT_EQ(flags(kCm01Token, "CM02", false, &listed).error_code(), grpc::PERMISSION_DENIED);
    ASSERT_TRUE(flags(kCm01Token, "", false, &listed).ok());
    EXPECT_EQ(listed.flags_size(), 0);
  }

  // A flagged collect no longer holds the pays back.
  const pb::ExportPaymentsResponse exported = Export(kD1);
  EXPECT_EQ(exported.collects_outstanding(), 0);
  EXPECT_EQ(exported.files_size(), 4);

  // While flagged, CM02 may not withdraw (either origin); nothing is written.
  {
    const std::map<std::string, int64_t> before = Written();
    pb::CollateralMovement out;
    grpc::Status status = Move(false, "WD-CM02-1", "CM02", "CUSTOMER", "100.00", &out);
    EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
    EXPECT_THAT(status.error_message(),
                HasSubstr("member CM02 is flagged FAILURE_TO_PAY: withdrawals are refused"));
    EXPECT_EQ(Written(), before);
    // CM01 is not flagged.
    ASSERT_TRUE(Move(false, "WD-CM01-1", "CM01", "HOUSE", "100.00", &out).ok());
  }

  // The late confirmation settles the collect and cures the flag.
  clock_.Set(At(kD1, 21, 0));
  const pb::ConfirmationResult late = ConfirmAsInstructed(collect_cm02, "BANK-A-LATE-1");
  EXPECT_THAT(late.cured_members(), ElementsAre("CM02"));
  EXPECT_EQ(late.journal_key(), "PAY/TC-20261123-EOD-0002");
  {
    pb::ListMemberFlagsResponse listed;
    ASSERT_TRUE(flags(kTreasuryToken, "CM02", false, &listed).ok());
    ASSERT_EQ(listed.flags_size(), 1);
    ASSERT_TRUE(listed.flags(0).has_cured_at());
    EXPECT_EQ(listed.flags(0).cured_at().seconds(), absl::ToUnixSeconds(At(kD1, 21, 0)));
    EXPECT_EQ(listed.flags(0).cured_by(), "treasury1");
    ASSERT_TRUE(flags(kTreasuryToken, "", true, &listed).ok());
    EXPECT_EQ(listed.flags_size(), 0);
  }
  checked = check();
  EXPECT_EQ(checked.overdue_collects(), 0);
  // Cured: withdrawals go through again.
  pb::CollateralMovement out;
  grpc::Status status = Move(false, "WD-CM02-2", "CM02", "CUSTOMER", "100.00", &out);
  EXPECT_TRUE(status.ok()) << status.error_message();
  // The audit log tells the story of CM02's collect, in order: instructed, exported,
  // flagged at the deadline, confirmed late (which cured the flag), withdrawal again.
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'RaiseMemberFlag' AND "
                  "target = 'CM02' AND detail->>'instruction_id' = 'TC-20261123-EOD-0002'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'CureMemberFlag' AND "
                  "target = 'CM02' AND detail->>'instruction_id' = 'TC-20261123-EOD-0002'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM (SELECT action FROM audit_log WHERE action IN "
                  "('InstructPayments', 'RaiseMemberFlag', 'CureMemberFlag') ORDER BY audit_id) a"),
            3);
  EXPECT_LT(Count("SELECT audit_id FROM audit_log WHERE action = 'RaiseMemberFlag'"),
            Count("SELECT audit_id FROM audit_log WHERE action = 'CureMemberFlag'"));
}

// ---------------------------------------------------------------------------------------
// 6: bad input.
// ---------------------------------------------------------------------------------------
TEST_F(CashTest, BadInputIsRefusedNamingTheFieldAndValue) {
  SetUpCash();
  const std::map<std::string, int64_t> before = Written();
  pb::CollateralMovement out;
  auto refused = [&](grpc::Status status, const std::string& message) {
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << message;
    EXPECT_THAT(status.error_message(), HasSubstr(message));
  };
  refused(Move(true, "DEP-1", "CM77", "HOUSE", "10.00", &out), "member_id CM77 is not a member");
  refused(Move(true, "DEP-1", "CM01", "HOUSE", "-5.00", &out), "amount '-5.00' must be positive");
  refused(Move(true, "DEP-1", "CM01", "HOUSE", "0.00", &out), "amount '0.00' must be positive");
  refused(Move(true, "DEP-1", "CM01", "HOUSE", "10.005", &out), "amount: '10.005'");
  refused(Move(true, "DEP-1", "CM01", "HOUSE", "ten", &out), "amount: 'ten'");
  refused(Move(true, "DEP-1", "CM01", "BOTH", "10.00", &out),
          "origin \"BOTH\" is not HOUSE or CUSTOMER");
  refused(Move(true, "DEP 1", "CM01", "HOUSE", "10.00", &out), "idempotency_key");
  refused(Move(true, "DEP-1", "CM01", "HOUSE", "10.00", &out, "XX"),
          "security_id XX is not an eligible collateral security");
  {
    pb::MoveCollateralRequest request;
    request.set_idempotency_key("DEP-1");
    request.set_member_id("CM01");
    request.set_origin("HOUSE");
    request.set_currency("usd");
    request.set_amount("10.00");
    refused(Cash(&pb::CashService::Stub::DepositCollateral, request, &out), "currency");
  }
  {
    pb::ListObligationsResponse listed;
    pb::ListObligationsRequest request;
    request.set_business_date(kD1);
    request.set_cycle("NIGHT");
    refused(Cash(&pb::CashService::Stub::ListObligations, request, &listed),
            "cycle \"NIGHT\" is not EOD or INTRADAY1..INTRADAY99");
    request.set_cycle("INTRADAY0");
    refused(Cash(&pb::CashService::Stub::ListObligations, request, &listed), "cycle \"INTRADAY0\"");
    request.set_cycle("EOD");
    request.set_stage("LATE");
    refused(Cash(&pb::CashService::Stub::ListObligations, request, &listed),
            "stage \"LATE\" is not INDICATIVE or FINAL");
    request.set_stage("");
    request.set_business_date("2026-13-01");
    refused(Cash(&pb::CashService::Stub::ListObligations, request, &listed), "business_date");
    pb::InstructPaymentsRequest instruct;
    instruct.set_business_date(kD1);
    instruct.set_cycle("EOD2");
    pb::InstructPaymentsResponse instructed;
    refused(Cash(&pb::CashService::Stub::InstructPayments, instruct, &instructed),
            "cycle \"EOD2\"");
  }
  {
    // A confirmation's end-to-end id that cannot be an instruction ID, a bad amount, a
    // bad direction.
    pb::ConfirmPaymentsResponse confirmed;
    refused(Confirm("C-1", {"TC 1"}, 100, kCcpAccountA, "CRDT", &confirmed),
            "confirmation.end_to_end_ids[0]");
    refused(Confirm("C-1", {std::string(36, 'X')}, 100, kCcpAccountA, "CRDT", &confirmed),
            "confirmation.end_to_end_ids[0]");
    refused(Confirm("C-1", {}, 100, kCcpAccountA, "CRDT", &confirmed),
            "confirmation.end_to_end_ids: at least one is needed");
    refused(Confirm("C-1", {"TC-1"}, 100, kCcpAccountA, "IN", &confirmed),
            "confirmation.credit_debit \"IN\" is not CRDT or DBIT");
    pb::ConfirmPaymentRequest request;
    pb::PaymentConfirmation* c = request.mutable_confirmation();
    c->set_idempotency_key("C-1");
    c->add_end_to_end_ids("TC-1");
    c->set_amount("1.001");
    c->set_currency("USD");
    c->set_account_number(kCcpAccountA);
    c->set_credit_debit("CRDT");
    refused(Cash(&pb::CashService::Stub::ConfirmPayment, request, &confirmed),
            "confirmation.amount: '1.001'");
  }
  EXPECT_EQ(Written(), before);

  // A well-formed ID the CCP never sent is not bad input but a break for treasury
  // (payment_matching.h rule 3): recorded, never posted.
  pb::ConfirmPaymentsResponse unknown;
  ASSERT_TRUE(
      Confirm("C-UNKNOWN", {"TC-20261123-EOD-0042"}, 100, kCcpAccountA, "CRDT", &unknown).ok());
  ASSERT_EQ(unknown.results_size(), 1);
  EXPECT_EQ(unknown.results(0).outcome(), "BREAK");
  EXPECT_EQ(unknown.results(0).break_reason(), "UNKNOWN_INSTRUCTION");
  EXPECT_THAT(unknown.results(0).detail(), HasSubstr("TC-20261123-EOD-0042"));
  EXPECT_EQ(Count("SELECT count(*) FROM journal_entries"), before.at("journal_entries"));

  // Idempotent deposits: the same key and content is a replay; another amount under the
  // key is refused.
  const pb::CollateralMovement first = Deposit("DEP-CM01-1", "CM01", "HOUSE", 12'345);
  EXPECT_FALSE(first.replayed());
  EXPECT_EQ(first.journal_key(), "COLL/DEP-CM01-1");
  const pb::CollateralMovement again = Deposit("DEP-CM01-1", "CM01", "HOUSE", 12'345);
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.movement_id(), first.movement_id());
  grpc::Status status = Move(true, "DEP-CM01-1", "CM01", "HOUSE", "123.46", &out);
  EXPECT_EQ(status.error_code(), grpc::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr("idempotency_key DEP-CM01-1 was used for another"));
  status = Move(true, "DEP-CM01-1", "CM01", "CUSTOMER", "123.45", &out);
  EXPECT_EQ(status.error_code(), grpc::ALREADY_EXISTS);
  EXPECT_EQ(Count("SELECT count(*) FROM collateral_movements"), 1);
  EXPECT_EQ(Entries("COLL/DEP-CM01-1"), 1);
  EXPECT_EQ(Get(Balances(), "CM01:HOUSE:COLLATERAL_CASH:USD"), -12'345);
}

// ---------------------------------------------------------------------------------------
// 8: access.
// ---------------------------------------------------------------------------------------
TEST_F(CashTest, MembersSeeOnlyTheirOwnCash) {
  StandardDay();
  Instruct(kD1);
  pb::ListObligationsResponse obligations;
  EXPECT_EQ(ListObligations(kD1, "", &obligations, kCm01Token, "CM02").error_code(),
            grpc::PERMISSION_DENIED);
  pb::ListPaymentInstructionsRequest instructions_request;
  instructions_request.set_member_id("CM02");
  pb::ListPaymentInstructionsResponse instructions;
  EXPECT_EQ(Cash(&pb::CashService::Stub::ListPaymentInstructions, instructions_request,
                 &instructions, kCm01Token)
                .error_code(),
            grpc::PERMISSION_DENIED);
  pb::ListCollateralRequest collateral_request;
  collateral_request.set_member_id("CM02");
  pb::ListCollateralResponse collateral;
  EXPECT_EQ(
      Cash(&pb::CashService::Stub::ListCollateral, collateral_request, &collateral, kCm01Token)
          .error_code(),
      grpc::PERMISSION_DENIED);
  // Members move nothing and read no reconciliation.
  pb::CollateralMovement moved;
  pb::MoveCollateralRequest move;
  move.set_idempotency_key("DEP-X");
  move.set_member_id("CM01");
  move.set_origin("HOUSE");
  move.set_currency("USD");
  move.set_amount("1.00");
  EXPECT_EQ(Cash(&pb::CashService::Stub::DepositCollateral, move, &moved, kCm01Token).error_code(),
            grpc::PERMISSION_DENIED);
  pb::GetReconciliationRequest recon_request;
  recon_request.set_business_date(kD1);
  pb::Reconciliation recon;
  EXPECT_EQ(Cash(&pb::CashService::Stub::GetReconciliation, recon_request, &recon, kCm01Token)
                .error_code(),
            grpc::PERMISSION_DENIED);

  // Itself (empty or its own id): only its rows, both origins.
  for (const char* member : {"", "CM01"}) {
    ASSERT_TRUE(ListObligations(kD1, "", &obligations, kCm01Token, member).ok());
    EXPECT_EQ(obligations.obligations_size(), 4);  // 2 origins x INDICATIVE, FINAL
    for (const pb::Obligation& o : obligations.obligations()) EXPECT_EQ(o.member_id(), "CM01");
    const std::vector<pb::PaymentInstruction> own = Instructions(kD1, kCm01Token, member);
    ASSERT_EQ(own.size(), 2u);
    EXPECT_EQ(own[0].instruction_id(), "TC-20261123-EOD-0001");
    EXPECT_EQ(own[1].instruction_id(), "TC-20261123-EOD-0003");
    pb::ListCollateralResponse all;
    const std::map<std::string, pb::OriginCollateral> held = Collateral(member, kCm01Token, &all);
    EXPECT_EQ(held.size(), 2u);
    EXPECT_EQ(held.count("CM01/HOUSE"), 1u);
    EXPECT_EQ(held.count("CM01/CUSTOMER"), 1u);
    ASSERT_EQ(all.movements_size(), 2);
    for (const pb::CollateralMovement& m : all.movements()) EXPECT_EQ(m.member_id(), "CM01");
  }
  // The regulator reads everything.
  EXPECT_EQ(Instructions(kD1, kRegulatorToken).size(), 4u);
  EXPECT_EQ(Collateral("", kRegulatorToken).size(), 4u);
}

// ---------------------------------------------------------------------------------------
// 7: a seeded three-day workload, every payment confirmed through camt.054.
// ---------------------------------------------------------------------------------------
TEST_F(CashTest, SeededThreeDayWorkloadConservesCash) {
  // A third member, so that a few members trade.
  AddMember("CM03", MemberLei("CM03"), pb::MEMBER_STATUS_ACTIVE);
  AddAccount("CM03-H", "CM03", pb::ORIGIN_HOUSE);
  AddAccount("CM03-C1", "CM03", pb::ORIGIN_CUSTOMER);
  SetUpCash(/*with_cm03=*/true);
  const std::vector<std::string> accounts = {"CM01-H",  "CM01-C1", "CM01-C2", "CM02-H",
                                             "CM02-C1", "CM03-H",  "CM03-C1"};
  auto origin_of = [](const std::string& account) {
    return Key(account.substr(0, 4), account[5] == 'H' ? "HOUSE" : "CUSTOMER");
  };
  std::mt19937_64 rng(20261123);
  auto uniform = [&rng](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };

  // The independent model: cash collateral per origin, what the banks moved.
  std::map<std::string, int64_t> cash;
  int64_t bank = 0;
  int64_t settle = 3'125'000;
  std::map<std::string, int64_t> previous_requirement;
  int withdrawals = 0, calls = 0, trade_count = 0;
  const std::vector<std::string> days = {kD1, kD2, kD3};
  for (size_t d = 0; d < days.size(); ++d) {
    const std::string& date = days[d];
    SCOPED_TRACE(date);
    clock_.Set(At(date, 10, 0));
    std::map<std::string, int64_t> released;
    // Withdrawals of half the excess over yesterday's requirement (the latest), each
    // accepted; paid out as releases in today's cycle.
    if (d > 0) {
      for (const auto& [key, held] : cash) {
        const int64_t excess = held - previous_requirement[key];
        if (excess < 200 || uniform(0, 1) == 0) continue;
        const int64_t amount = excess / 2;
        pb::CollateralMovement out;
        const std::string k =
            absl::StrCat("WD-", date, "-", absl::StrReplaceAll(key, {{"/", "-"}}));
        grpc::Status status = Move(false, k, key.substr(0, 4), key.substr(5), Money(amount), &out);
        ASSERT_TRUE(status.ok()) << key << ": " << status.error_message();
        cash[key] -= amount;
        released[key] += amount;
        ++withdrawals;
      }
    }
    // Deposits: every origin on day 1, a few top-ups later; some too small for the
    // requirement, so calls are made.
    for (const std::string& account : accounts) {
      if (account == "CM01-C2") continue;  // its origin is CM01-C1's
      const std::string key = origin_of(account);
      if (d > 0 && uniform(0, 3) != 0) continue;
      const int64_t amount = uniform(200, 6'000) * 100;
      Deposit(absl::StrCat("DEP-", date, "-", account), key.substr(0, 4), key.substr(5), amount);
      cash[key] += amount;
      bank += amount;
    }
    // Trades.
    std::vector<pb::Trade> trades;
    for (int i = 0; i < 8; ++i) {
      const size_t b = uniform(0, accounts.size() - 1);
      size_t s = uniform(0, accounts.size() - 2);
      if (s >= b) ++s;
      trades.push_back(T(absl::StrCat("W", d, "-", i), accounts[b], accounts[s], uniform(1, 20),
                         settle + 5'000 * uniform(-6, 6), date));
      ++trade_count;
    }
    SubmitOk(trades);
    settle += 5'000 * uniform(-8, 8);
    clock_.Set(At(date, 18, 0));
    SettleDay(date, settle);

    // Final obligations against the model: value = the model's cash, calls every cent of
    // a deficit, releases today's withdrawals, net = vm - call + release.
    const std::map<std::string, int64_t> vm = VmCents(date);
    const std::map<std::string, int64_t> im = InitialMicros(date);
    const pb::InstructPaymentsResponse instructed = Instruct(date);
    std::map<std::string, pb::Obligation> final_rows;
    for (const pb::Obligation& o : instructed.obligations()) final_rows[Key(o)] = o;
    std::set<std::string> expected_keys;
    for (const auto& [k, v] : vm)
      if (v != 0) expected_keys.insert(k);
    for (const auto& [k, v] : im)
      if (RoundedCents(v) != 0) expected_keys.insert(k);
    for (const auto& [k, v] : cash)
      if (v != 0) expected_keys.insert(k);
    for (const auto& [k, v] : released) expected_keys.insert(k);
    for (const std::string& k : expected_keys) EXPECT_EQ(final_rows.count(k), 1u) << k;
    std::map<std::string, int64_t> nets;
    for (const auto& [key, o] : final_rows) {
      const int64_t requirement = RoundedCents(Get(im, key));
      const int64_t value = Get(cash, key);
      const int64_t deficit = std::max<int64_t>(0, requirement - value);
      const int64_t release = Get(released, key);
      ExpectObligation(o, Get(vm, key), requirement, value, 0, deficit, deficit, release,
                       Get(vm, key) - deficit + release);
      nets[key] = o.net_cents();
      calls += deficit > 0;
      previous_requirement[key] = requirement;
    }
    // One instruction per nonzero net, collects first.
    std::vector<pb::PaymentInstruction> collects, pays;
    bool seen_pay = false;
    for (const pb::PaymentInstruction& p : instructed.instructions()) {
      const int64_t net = nets[Key(p)];
      EXPECT_EQ(p.amount_cents(), std::abs(net)) << p.instruction_id();
      EXPECT_EQ(p.direction(), net < 0 ? "COLLECT" : "PAY") << p.instruction_id();
      EXPECT_FALSE(seen_pay && p.direction() == "COLLECT") << "collects come first";
      seen_pay |= p.direction() == "PAY";
      (p.direction() == "COLLECT" ? collects : pays).push_back(p);
    }
    EXPECT_EQ(static_cast<int64_t>(instructed.instructions_size()),
              std::count_if(nets.begin(), nets.end(), [](const auto& n) { return n.second != 0; }));

    // Export the collects, confirm them all through one camt.054, export the pays,
    // confirm them through another.
    clock_.Set(At(date, 18, 30));
    pb::ExportPaymentsResponse exported = Export(date);
    EXPECT_EQ(exported.collects_outstanding(), static_cast<int64_t>(collects.size()));
    std::set<std::string> checked_files;
    for (const pb::PaymentFile& f : exported.files()) {
      if (!collects.empty()) {
        EXPECT_EQ(f.message_type(), "pain.008.001.08");
      }
      ExpectFileMatches(f, date, clock_.Now());
      checked_files.insert(f.message_id());
    }
    auto confirm_all = [&](const std::vector<pb::PaymentInstruction>& group,
                           const std::string& message_id) {
      if (group.empty()) return;
      std::vector<Booking> bookings;
      for (const pb::PaymentInstruction& p : group) bookings.push_back(BookingOf(p));
      pb::ConfirmPaymentsResponse imported;
      grpc::Status status = Import(Camt(message_id, clock_.Now(), date, bookings), &imported);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_EQ(imported.results_size(), static_cast<int>(group.size()));
      for (const pb::ConfirmationResult& r : imported.results()) {
        EXPECT_EQ(r.outcome(), "CONFIRMS") << r.ShortDebugString();
      }
      for (const pb::PaymentInstruction& p : group) {
        bank += p.direction() == "COLLECT" ? p.amount_cents() : -p.amount_cents();
      }
    };
    clock_.Set(At(date, 19, 0));
    confirm_all(collects, absl::StrCat("BANK-", date, "-DD"));
    clock_.Set(At(date, 19, 30));
    const absl::Time pays_at = clock_.Now();
    exported = Export(date);
    EXPECT_EQ(exported.collects_outstanding(), 0);
    for (const pb::PaymentFile& f : exported.files()) {
      if (!checked_files.contains(f.message_id())) ExpectFileMatches(f, date, pays_at);
    }
    clock_.Set(At(date, 20, 0));
    confirm_all(pays, absl::StrCat("BANK-", date, "-CT"));
    // Every call, paid, is collateral now.
    for (const auto& [key, o] : final_rows) cash[key] += o.im_call_cents();

    // Cash conservation.
    std::map<std::string, int64_t> sums;
    std::map<std::string, std::string> kinds;
    const std::map<std::string, int64_t> balances = Balances(&sums, &kinds);
    for (const auto& [currency, sum] : sums) EXPECT_EQ(sum, 0) << currency;
    EXPECT_EQ(Get(balances, "BANK:SETTLEMENT:USD"), bank);
    for (const auto& [id, kind] : kinds) {
      if (kind == "MEMBER_CASH") {
        EXPECT_EQ(balances.at(id), 0) << id;
      }
    }
    for (const auto& [key, held] : cash) {
      EXPECT_EQ(Get(balances,
                    absl::StrCat(absl::StrReplaceAll(key, {{"/", ":"}}), ":COLLATERAL_CASH:USD")),
                -held)
          << key;
    }
    ExpectLedgerOk();
    const pb::Reconciliation recon = Reconcile(date);
    EXPECT_TRUE(recon.ok()) << recon.ShortDebugString();
    EXPECT_EQ(recon.unconfirmed(), 0);
    EXPECT_EQ(recon.confirmed(), instructed.instructions_size());
    EXPECT_EQ(recon.breaks_size(), 0);
    EXPECT_EQ(recon.bank_ledger_cents(), bank);
    EXPECT_EQ(recon.bank_movements_cents(), bank);
    for (const pb::VmBalance& b : recon.variation_margin()) {
      EXPECT_EQ(b.collects_minus_pays_cents(), b.ccp_rounding_cents());
    }
  }
  // The workload exercised what it is for.
  EXPECT_EQ(trade_count, 24);
  EXPECT_GT(withdrawals, 0);
  EXPECT_GT(calls, 0);
}

// ---------------------------------------------------------------------------------------
// §2: an intraday cycle calls a deficit above the threshold, once.
// ---------------------------------------------------------------------------------------
TEST_F(CashTest, AnIntradayLossAboveTheThresholdIsCalledOnce) {
  SetUpCash();                                      // intraday threshold 1000.00 = 100,000 cents
  Deposit("DEP-CM01-H", "CM01", "HOUSE", 500'000);  // $5,000.00: thin
  Deposit("DEP-CM02-H", "CM02", "HOUSE", 10'000'000);
  SubmitOk({T("T1", "CM01-H", "CM02-H", 10, 3'125'000, kD1)});
  SettleDay(kD1, 3'150'000);  // the last settlement price; D2 opens
  const int64_t r1 = RoundedCents(InitialMicros(kD1).at("CM01/HOUSE"));
  ASSERT_GT(r1, 0);
  ASSERT_LT(r1, 500'000) << "the example needs the $5,000.00 to cover the end-of-day requirement";

  auto run = [&](const std::string& cycle, const std::string& price,
                 pb::RunIntradayCycleResponse* out) {
    pb::RunIntradayCycleRequest request;
    request.set_cycle(cycle);
    pb::IntradayPrice* p = request.add_prices();
    p->set_instrument_id(kDec);
    p->set_price(price);
    return Cash(&pb::CashService::Stub::RunIntradayCycle, request, out);
  };
  // CM01 HOUSE is long 10: (2.000000 - 3.150000) x 10 x 1000 = -$11,500.00 = -1,150,000
  // cents; CM02 HOUSE gains as much and is not called. Requirement r1 + 1,150,000 against
  // a value of 500,000: deficit r1 + 650,000, above the threshold, called in full.
  pb::RunIntradayCycleResponse first;
  grpc::Status status = run("INTRADAY1", "2.000000", &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(first.replayed());
  ASSERT_EQ(first.obligations_size(), 1) << first.ShortDebugString();
  ExpectObligation(first.obligations(0), 0, r1 + 1'150'000, 500'000, 0, r1 + 650'000, r1 + 650'000,
                   0, -(r1 + 650'000));
  EXPECT_EQ(first.obligations(0).cycle(), "INTRADAY1");
  EXPECT_EQ(first.obligations(0).business_date(), kD2);
  ASSERT_EQ(first.instructions_size(), 1);
  ExpectInstruction(first.instructions(0), "TC-20261124-I1-0001", "CM01", "HOUSE", "COLLECT",
                    r1 + 650'000, 0, r1 + 650'000, 0);

  // The same prices again: what the first run did. Other prices: refused, nothing written.
  pb::RunIntradayCycleResponse again;
  status = run("INTRADAY1", "2.000000", &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(again.replayed());
  ASSERT_EQ(again.instructions_size(), 1);
  EXPECT_EQ(again.instructions(0).instruction_id(), "TC-20261124-I1-0001");
  const std::map<std::string, int64_t> before = Written();
  pb::RunIntradayCycleResponse other;
  status = run("INTRADAY1", "2.500000", &other);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("a cycle's prices are records"));
  std::map<std::string, int64_t> after = Written();
  after.erase("audit_log");
  std::map<std::string, int64_t> expected = before;
  expected.erase("audit_log");
  EXPECT_EQ(after, expected);

  // A second cycle while the call is pending: (3.100000 - 3.150000) x 10 x 1000 = -50,000
  // cents; requirement r1 + 50,000 against 500,000 + the pending r1 + 650,000: no deficit.
  pb::RunIntradayCycleResponse second;
  status = run("INTRADAY2", "3.100000", &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(second.obligations_size(), 1);
  ExpectObligation(second.obligations(0), 0, r1 + 50'000, 500'000, r1 + 650'000, 0, 0, 0, 0);
  EXPECT_EQ(second.instructions_size(), 0) << "a pending call is never made twice";

  // The call goes to the bank the same day and, confirmed, becomes cash collateral.
  pb::ExportPaymentsRequest export_request;
  export_request.set_business_date(kD2);
  export_request.set_cycle("INTRADAY1");
  pb::ExportPaymentsResponse files;
  status = Cash(&pb::CashService::Stub::ExportPayments, export_request, &files);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(files.files_size(), 1);
  EXPECT_EQ(files.files(0).message_type(), "pain.008.001.08");
  EXPECT_EQ(files.files(0).message_id(),
            absl::StrCat("TC-20261124-I1-", BankOf("CM01", "HOUSE").aba, "-DD"));
  absl::StatusOr<payments::PainMessage> read = payments::ReadPainMessage(files.files(0).document());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->header.execution_date, Day(kD2)) << "an intraday call is collected the same day";
  pb::ConfirmPaymentRequest confirm;
  pb::PaymentConfirmation* c = confirm.mutable_confirmation();
  c->set_idempotency_key("BANK-I1-1");
  c->add_end_to_end_ids("TC-20261124-I1-0001");
  c->set_amount(Money(r1 + 650'000));
  c->set_currency("USD");
  c->set_account_number(CcpAccountAt(BankOf("CM01", "HOUSE").aba));
  c->set_credit_debit("CRDT");
  pb::ConfirmPaymentsResponse confirmed;
  status = Cash(&pb::CashService::Stub::ConfirmPayment, confirm, &confirmed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(confirmed.results_size(), 1);
  EXPECT_EQ(confirmed.results(0).outcome(), "CONFIRMS");
  EXPECT_EQ(Collateral("CM01").at("CM01/HOUSE").cash_cents(), 500'000 + r1 + 650'000);
  ExpectLedgerOk();
}

}  // namespace
}  // namespace tc::testing
