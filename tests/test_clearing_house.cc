#include "tests/test_clearing_house.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace tc::testing {
namespace {

void ExpectOk(const grpc::Status& status, absl::string_view what) {
  ASSERT_TRUE(status.ok()) << what << ": " << status.error_code() << " " << status.error_message();
}

TestHouseOptions WithLimits(services::IngestLimits limits, int max_message_bytes) {
  TestHouseOptions options;
  options.limits = limits;
  options.max_message_bytes = max_message_bytes;
  return options;
}

}  // namespace

TestClearingHouse::TestClearingHouse(services::IngestLimits limits, int max_message_bytes)
    : TestClearingHouse(WithLimits(limits, max_message_bytes)) {}

TestClearingHouse::TestClearingHouse(const TestHouseOptions& house) {
  services::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.tls = house.tls;
  options.allow_plaintext = !house.tls.has_value();
  options.pg_url = database_.url();
  options.db_connections = 6;
  options.ingest_limits = house.limits;
  options.max_message_bytes = house.max_message_bytes;
  options.bootstrap_admin_token = kAdminToken;
  options.health_grace = absl::ZeroDuration();
  options.clock = house.clock;
  absl::StatusOr<std::unique_ptr<services::ClearingServer>> server =
      services::ClearingServer::Start(options);
  if (!server.ok()) {
    ADD_FAILURE() << "server did not start: " << server.status();
    return;
  }
  server_ = std::move(*server);
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  arguments.SetMaxSendMessageSize(64 << 20);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (house.tls.has_value()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = house.server_ca_pem;
    credentials = grpc::SslCredentials(ssl);
  }
  channel_ = grpc::CreateCustomChannel(target(), credentials, arguments);
  Seed();
}

std::string TestClearingHouse::target() const {
  return absl::StrCat("127.0.0.1:", server_->port());
}

TestClearingHouse::~TestClearingHouse() {
  if (server_ != nullptr) server_->Shutdown(absl::Seconds(2));
}

std::unique_ptr<pb::TradeCaptureService::Stub> TestClearingHouse::TradeCapture() const {
  return pb::TradeCaptureService::NewStub(channel_);
}
std::unique_ptr<pb::ReferenceDataService::Stub> TestClearingHouse::ReferenceData() const {
  return pb::ReferenceDataService::NewStub(channel_);
}
std::unique_ptr<pb::PositionService::Stub> TestClearingHouse::Positions() const {
  return pb::PositionService::NewStub(channel_);
}

void TestClearingHouse::Authorize(grpc::ClientContext& context, const std::string& token) {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
}

void TestClearingHouse::Seed() {
  auto admin = ReferenceData();
  auto call = [&](auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    Authorize(context, kAdminToken);
    ExpectOk((admin.get()->*method)(&context, request, response), request.GetTypeName());
  };
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
  pb::Product product_out;
  call(&pb::ReferenceDataService::Stub::UpsertProduct, product, &product_out);

  for (auto [id, month, last, final_day, status] :
       {std::tuple{"TKF-202612", "202612", "2026-12-30", "2026-12-31",
                   pb::INSTRUMENT_STATUS_ACTIVE},
        std::tuple{"TKF-202610", "202610", "2026-10-29", "2026-10-30",
                   pb::INSTRUMENT_STATUS_EXPIRED}}) {
    pb::UpsertInstrumentRequest request;
    pb::Instrument* i = request.mutable_instrument();
    i->set_instrument_id(id);
    i->set_product_code("TKF");
    i->set_contract_month(month);
    i->set_last_trading_date(last);
    i->set_final_settlement_date(final_day);
    i->set_status(status);
    pb::Instrument out;
    call(&pb::ReferenceDataService::Stub::UpsertInstrument, request, &out);
  }
  for (auto [id, lei, status] :
       {std::tuple{"CM01", "5493001KJTIIGC8Y1R12", pb::MEMBER_STATUS_ACTIVE},
        std::tuple{"CM02", "7LTWFZYICNSX8D621K86", pb::MEMBER_STATUS_ACTIVE},
        std::tuple{"CM09", "529900T8BM49AURSDO55", pb::MEMBER_STATUS_SUSPENDED}}) {
    pb::UpsertMemberRequest request;
    request.mutable_member()->set_member_id(id);
    request.mutable_member()->set_name(absl::StrCat("Member ", id));
    request.mutable_member()->set_lei(lei);
    request.mutable_member()->set_status(status);
    pb::Member out;
    call(&pb::ReferenceDataService::Stub::UpsertMember, request, &out);
  }
  for (auto [id, member, origin, status] :
       {std::tuple{"CM01-H", "CM01", pb::ORIGIN_HOUSE, pb::ACCOUNT_STATUS_ACTIVE},
        std::tuple{"CM01-C1", "CM01", pb::ORIGIN_CUSTOMER, pb::ACCOUNT_STATUS_ACTIVE},
        std::tuple{"CM01-C2", "CM01", pb::ORIGIN_CUSTOMER, pb::ACCOUNT_STATUS_ACTIVE},
        std::tuple{"CM02-H", "CM02", pb::ORIGIN_HOUSE, pb::ACCOUNT_STATUS_ACTIVE},
        std::tuple{"CM02-C1", "CM02", pb::ORIGIN_CUSTOMER, pb::ACCOUNT_STATUS_ACTIVE},
        std::tuple{"CM02-X", "CM02", pb::ORIGIN_HOUSE, pb::ACCOUNT_STATUS_SUSPENDED},
        std::tuple{"CM09-H", "CM09", pb::ORIGIN_HOUSE, pb::ACCOUNT_STATUS_ACTIVE}}) {
    pb::UpsertAccountRequest request;
    pb::Account* a = request.mutable_account();
    a->set_account_id(id);
    a->set_member_id(member);
    a->set_origin(origin);
    a->set_account_class(origin == pb::ORIGIN_HOUSE ? pb::ACCOUNT_CLASS_MEMBER
                                                    : pb::ACCOUNT_CLASS_SPECULATOR);
    a->set_status(status);
    if (origin == pb::ORIGIN_CUSTOMER) a->set_customer_name(absl::StrCat("Customer of ", id));
    pb::Account out;
    call(&pb::ReferenceDataService::Stub::UpsertAccount, request, &out);
  }
  for (auto [id, role, member, token] :
       {std::tuple{"exch1", pb::ROLE_EXCHANGE, "", kExchangeToken},
        std::tuple{"exch2", pb::ROLE_EXCHANGE, "", kOtherExchangeToken},
        std::tuple{"cm01-ops", pb::ROLE_MEMBER, "CM01", kCm01Token},
        std::tuple{"cm02-ops", pb::ROLE_MEMBER, "CM02", kCm02Token},
        std::tuple{"treasury1", pb::ROLE_TREASURY, "", kTreasuryToken},
        std::tuple{"treasury2", pb::ROLE_TREASURY, "", kTreasury2Token},
        std::tuple{"regulator1", pb::ROLE_REGULATOR, "", kRegulatorToken},
        std::tuple{"index1", pb::ROLE_INDEX_PROVIDER, "", kIndexProviderToken},
        std::tuple{"risk1", pb::ROLE_RISK, "", kRiskToken},
        std::tuple{"risk2", pb::ROLE_RISK, "", kRisk2Token}}) {
    pb::UpsertPrincipalRequest request;
    request.mutable_principal()->set_principal_id(id);
    request.mutable_principal()->set_role(role);
    request.mutable_principal()->set_member_id(member);
    request.mutable_principal()->set_token(token);
    pb::Principal out;
    call(&pb::ReferenceDataService::Stub::UpsertPrincipal, request, &out);
  }
  pb::OpenFirstBusinessDateRequest open;
  open.set_business_date(kOpenDate);
  pb::BusinessDate date;
  call(&pb::ReferenceDataService::Stub::OpenFirstBusinessDate, open, &date);
  EXPECT_EQ(date.business_date(), kOpenDate);
}

pb::Trade TestClearingHouse::Trade(const std::string& trade_id, int64_t quantity) {
  pb::Trade trade;
  trade.set_trade_id(trade_id);
  trade.set_instrument_id("TKF-202612");
  trade.set_price_micros(3'125'000);
  trade.set_quantity(quantity);
  trade.set_buyer_account_id("CM01-H");
  trade.set_seller_account_id("CM02-H");
  trade.set_trade_date(kOpenDate);
  trade.mutable_executed_at()->set_seconds(1795444200);
  trade.mutable_executed_at()->set_nanos(123456789);
  trade.set_trade_type(pb::TRADE_TYPE_REGULAR);
  return trade;
}

pb::SubmitTradesResponse TestClearingHouse::Submit(
    const std::vector<pb::TradeEvent>& events) const {
  pb::SubmitTradesRequest request;
  for (const pb::TradeEvent& event : events) *request.add_events() = event;
  pb::SubmitTradesResponse response;
  grpc::ClientContext context;
  Authorize(context, kExchangeToken);
  grpc::Status status = TradeCapture()->SubmitTrades(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  return response;
}

std::map<std::string, int64_t> TestClearingHouse::NetPositions() const {
  pb::ListPositionsResponse response;
  grpc::ClientContext context;
  Authorize(context, kTreasuryToken);
  grpc::Status status = Positions()->ListPositions(&context, {}, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::map<std::string, int64_t> net;
  for (const pb::Position& p : response.positions()) {
    net[absl::StrCat(p.account_id(), "/", p.instrument_id())] =
        p.long_quantity() - p.short_quantity();
  }
  return net;
}

int64_t TestClearingHouse::CheckedOpenInterest() const {
  pb::GetOpenInterestResponse response;
  grpc::ClientContext context;
  Authorize(context, kRegulatorToken);
  grpc::Status status = Positions()->GetOpenInterest(&context, {}, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  int64_t total = 0;
  for (const pb::OpenInterest& oi : response.open_interest()) {
    EXPECT_EQ(oi.total_long(), oi.total_short()) << oi.instrument_id();
    total += oi.total_long();
  }
  return total;
}

pb::TradeEvent NewTradeEvent(const pb::Trade& trade) {
  pb::TradeEvent event;
  *event.mutable_trade() = trade;
  return event;
}

pb::TradeEvent CancelEvent(const std::string& trade_id, const std::string& reason) {
  pb::TradeEvent event;
  event.mutable_cancel()->set_trade_id(trade_id);
  event.mutable_cancel()->set_reason(reason);
  return event;
}

pb::TradeEvent CorrectionEvent(const std::string& original, const pb::Trade& replacement) {
  pb::TradeEvent event;
  event.mutable_correction()->set_original_trade_id(original);
  *event.mutable_correction()->mutable_replacement() = replacement;
  return event;
}

}  // namespace tc::testing
