// The real tokenclear_server binary: it starts on a fresh database, reports SERVING, and
// on SIGTERM reports NOT_SERVING, lets an in-flight feed finish its batch (acknowledged
// and durable), ends the feed with UNAVAILABLE saying where to resume, and exits 0.
#include <grpcpp/generic/generic_stub.h>
#include <signal.h>

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "store/pg_test_database.h"
#include "tests/child_process.h"
#include "tests/private_cluster.h"
#include "tests/test_clearing_house.h"

namespace tc::testing {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

HealthCheckResponse::ServingStatus Check(Health::Stub& health, const std::string& service) {
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::Status status = health.Check(&context, request, &response);
  return status.ok() ? response.status() : HealthCheckResponse::UNKNOWN;
}

// Asks the server-reflection service (what grpcurl-style clients use) to list services.
// Its protos are not packaged for C++ here, so the request is encoded by hand:
// ServerReflectionRequest.list_services (field 7) = "*". Returns the raw response bytes.
std::string ListServicesByReflection(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &queue);
  void* tag = nullptr;
  bool ok = false;
  auto step = [&](intptr_t expected) {
    return queue.Next(&tag, &ok) && ok && reinterpret_cast<intptr_t>(tag) == expected;
  };
  grpc::Slice request_bytes(std::string("\x3a\x01*", 3));
  grpc::ByteBuffer request(&request_bytes, 1);
  grpc::ByteBuffer response;
  std::string bytes;
  call->StartCall(reinterpret_cast<void*>(1));
  if (step(1)) {
    call->Write(request, reinterpret_cast<void*>(2));
    if (step(2)) {
      call->Read(&response, reinterpret_cast<void*>(3));
      if (step(3)) {
        std::vector<grpc::Slice> slices;
        (void)response.Dump(&slices);
        for (const grpc::Slice& slice : slices) {
          bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
        }
      }
    }
  }
  context.TryCancel();
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return bytes;
}

TEST(ServerE2eTest, ServesAndDrainsGracefullyOnSigterm) {
  store::PgTestDatabase database;
  ChildProcess server({TC_SERVER_BINARY, "--listen=127.0.0.1:0", "--plaintext",
                       "--health_grace_ms=1500", "--drain_seconds=20"},
                      {absl::StrCat("TOKENCLEAR_PG_URL=", database.url()),
                       "TOKENCLEAR_ADMIN_TOKEN=e2e-admin-token-00001"});
  ASSERT_TRUE(server.started());
  std::optional<std::string> serving =
      server.ReadStderrLineContaining("serving on port", absl::Seconds(30));
  ASSERT_TRUE(serving.has_value()) << server.stderr_text();
  const int port = ServingPort(*serving);
  ASSERT_NE(port, 0) << *serving;
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  auto health = Health::NewStub(channel);
  EXPECT_EQ(Check(*health, ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(*health, "tokenclear.v1.TradeCaptureService"), HealthCheckResponse::SERVING);
  const std::string services = ListServicesByReflection(channel);
  for (const char* service :
       {"tokenclear.v1.TradeCaptureService", "tokenclear.v1.ReferenceDataService",
        "tokenclear.v1.PositionService", "tokenclear.v1.MarginService", "grpc.health.v1.Health"}) {
    EXPECT_NE(services.find(service), std::string::npos) << service << " not listed by reflection";
  }

  // Reference data for one trade, through the admin API of the running binary.
  auto admin = pb::ReferenceDataService::NewStub(channel);
  auto call = [&](auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, "e2e-admin-token-00001");
    grpc::Status status = (admin.get()->*method)(&context, request, response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  };
  pb::UpsertProductRequest product;
  *product.mutable_product() = [] {
    pb::Product p;
    p.set_product_code("TKF");
    p.set_name("Frontier");
    p.set_index_code("TOKFRONT");
    p.set_contract_multiplier(1000);
    p.set_tick_size_micros(5000);
    p.set_currency("USD");
    p.set_listed_months(2);
    p.set_final_settlement_rule(pb::FINAL_SETTLEMENT_RULE_LAST_BUSINESS_DAY);
    p.set_last_trading_offset_days(1);
    p.set_settlement_type("CASH");
    p.set_max_trade_quantity(100);
    p.set_max_price_micros(1'000'000'000);
    return p;
  }();
  pb::Product product_out;
  call(&pb::ReferenceDataService::Stub::UpsertProduct, product, &product_out);
  pb::OpenFirstBusinessDateRequest open;
  open.set_business_date(kOpenDate);
  pb::BusinessDate date;
  call(&pb::ReferenceDataService::Stub::OpenFirstBusinessDate, open, &date);
  pb::ListContractMonthsResponse listed;
  call(&pb::ReferenceDataService::Stub::ListContractMonths, pb::ListContractMonthsRequest(),
       &listed);
  ASSERT_EQ(listed.listed_size(), 2);
  for (const char* member : {"CM01", "CM02"}) {
    pb::UpsertMemberRequest m;
    m.mutable_member()->set_member_id(member);
    m.mutable_member()->set_name(member);
    m.mutable_member()->set_lei(member[3] == '1' ? "5493001KJTIIGC8Y1R12" : "7LTWFZYICNSX8D621K86");
    m.mutable_member()->set_status(pb::MEMBER_STATUS_ACTIVE);
    pb::Member m_out;
    call(&pb::ReferenceDataService::Stub::UpsertMember, m, &m_out);
    pb::UpsertAccountRequest a;
    a.mutable_account()->set_account_id(absl::StrCat(member, "-H"));
    a.mutable_account()->set_member_id(member);
    a.mutable_account()->set_origin(pb::ORIGIN_HOUSE);
    a.mutable_account()->set_account_class(pb::ACCOUNT_CLASS_MEMBER);
    a.mutable_account()->set_status(pb::ACCOUNT_STATUS_ACTIVE);
    pb::Account a_out;
    call(&pb::ReferenceDataService::Stub::UpsertAccount, a, &a_out);
  }
  pb::UpsertPrincipalRequest exchange;
  exchange.mutable_principal()->set_principal_id("exch1");
  exchange.mutable_principal()->set_role(pb::ROLE_EXCHANGE);
  exchange.mutable_principal()->set_token(kExchangeToken);
  pb::Principal exchange_out;
  call(&pb::ReferenceDataService::Stub::UpsertPrincipal, exchange, &exchange_out);

  // A feed is in flight when the stop signal arrives.
  auto capture = pb::TradeCaptureService::NewStub(channel);
  grpc::ClientContext feed_context;
  TestClearingHouse::Authorize(feed_context, kExchangeToken);
  auto stream = capture->StreamTrades(&feed_context);
  pb::FeedMessage logon;
  logon.mutable_logon()->set_feed_id("E2E");
  pb::FeedReply reply;
  ASSERT_TRUE(stream->Write(logon) && stream->Read(&reply));

  server.Signal(SIGTERM);
  ASSERT_TRUE(server.ReadStderrLineContaining("draining", absl::Seconds(5)).has_value());
  // The server logs "draining" just before it flips health; within the 1.5 s grace the
  // health service answers NOT_SERVING while calls are still accepted.
  HealthCheckResponse::ServingStatus during_grace = Check(*health, "");
  for (int i = 0; i < 50 && during_grace == HealthCheckResponse::SERVING; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
    during_grace = Check(*health, "");
  }
  EXPECT_EQ(during_grace, HealthCheckResponse::NOT_SERVING);

  pb::FeedMessage batch;
  batch.mutable_batch()->set_first_sequence(1);
  pb::Trade trade = TestClearingHouse::Trade("E2E-1", 3);
  trade.set_instrument_id(listed.listed(0).instrument_id());
  *batch.mutable_batch()->add_events()->mutable_trade() = trade;
  ASSERT_TRUE(stream->Write(batch));
  ASSERT_TRUE(stream->Read(&reply));
  EXPECT_EQ(reply.batch_ack().last_sequence(), 1);
  EXPECT_EQ(reply.batch_ack().results(0).outcome(), pb::TRADE_OUTCOME_ACCEPTED)
      << reply.batch_ack().results(0).message();
  EXPECT_FALSE(stream->Read(&reply));
  stream->WritesDone();
  grpc::Status finished = stream->Finish();
  EXPECT_EQ(finished.error_code(), grpc::UNAVAILABLE);
  EXPECT_NE(finished.error_message().find("after sequence 1"), std::string::npos);

  EXPECT_EQ(server.WaitForExit(absl::Seconds(30)), 0) << server.stderr_text();
  EXPECT_NE(server.stderr_text().find("stopped"), std::string::npos);
  pqxx::connection connection(database.url());
  pqxx::work tx(connection);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM trades WHERE trade_id = 'E2E-1'")[0].as<int>(), 1);
}

}  // namespace
}  // namespace tc::testing
