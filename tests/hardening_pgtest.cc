// Hostile input through the real server (issue "Hardening"): each defect class found by a
// hostile tester, tried again from outside. Nothing may crash the server, write partially,
// or tell a caller about our internals.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/generic/generic_stub.h>

#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/test_clearing_house.h"
#include "tokenclear/v1/margin.grpc.pb.h"

namespace tc::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HardeningTest : public ::testing::Test {
 protected:
  HardeningTest()
      : channel_(grpc::CreateChannel(absl::StrCat("127.0.0.1:", house_.server().port()),
                                     grpc::InsecureChannelCredentials())),
        margin_(pb::MarginService::NewStub(channel_)),
        trades_(pb::TradeCaptureService::NewStub(channel_)),
        reference_(pb::ReferenceDataService::NewStub(channel_)) {}

  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const std::string& token, const Request& request, Response* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, token);
    return (stub.*method)(&context, request, response);
  }

  void Sql(const std::string& statement) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    tx.exec0(statement);
    tx.commit();
  }

  // `count` business days of TOKFRONT values ending on the open date.
  static pb::LoadIndexValuesRequest History(int count) {
    pb::LoadIndexValuesRequest request;
    absl::CivilDay day(2026, 11, 23);
    for (int i = 0; i < count; --day) {
      if (IsWeekend(day)) continue;
      pb::IndexValue* v = request.add_values();
      v->set_index_code("TOKFRONT");
      v->set_business_date(FormatBusinessDate(day));
      v->set_value_micros(3'000'000 + (i % 2 == 0 ? 50'000 : -40'000));
      ++i;
    }
    return request;
  }

  TestClearingHouse house_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::MarginService::Stub> margin_;
  std::unique_ptr<pb::TradeCaptureService::Stub> trades_;
  std::unique_ptr<pb::ReferenceDataService::Stub> reference_;
};

// Defect 1: a stored index value beyond the range aborted every later calibration.
TEST_F(HardeningTest, AStoredOutOfRangeIndexValueFailsCalibrationCleanly) {
  pb::LoadIndexValuesResponse loaded;
  ASSERT_TRUE(
      Call(*margin_, &pb::MarginService::Stub::LoadIndexValues, kRiskToken, History(40), &loaded)
          .ok());
  // At the door: refused, naming the field and the value.
  pb::LoadIndexValuesRequest huge;
  pb::IndexValue* v = huge.add_values();
  v->set_index_code("TOKFRONT");
  v->set_business_date("2026-11-20");
  v->set_value_micros(1'000'000'000'000'000);
  grpc::Status status =
      Call(*margin_, &pb::MarginService::Stub::LoadIndexValues, kRiskToken, huge, &loaded);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("values[0].value_micros 1000000000000000"));
  // A row stored before the range existed (the constraint is dropped to place it).
  Sql("ALTER TABLE index_values DROP CONSTRAINT index_values_in_range;"
      "UPDATE index_values SET value_micros = 1000000000000000"
      " WHERE index_code = 'TOKFRONT' AND business_date = '2026-11-23'");
  pb::CalibrateParametersRequest calibrate;
  calibrate.set_business_date(kOpenDate);
  for (int attempt = 0; attempt < 2; ++attempt) {  // and again: the server is still up
    pb::RiskParameterSet set;
    status =
        Call(*margin_, &pb::MarginService::Stub::CalibrateParameters, kRiskToken, calibrate, &set);
    EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr("value_micros = 1000000000000000"));
  }
}

// Defect 2: prices and notionals that do not fit in int64 were accepted.
TEST_F(HardeningTest, PricesAndNotionalsAreBoundedAtTheDoor) {
  pb::Trade near_max = TestClearingHouse::Trade("OVF-1");
  near_max.set_price_micros(9'223'372'036'854'775'000);
  pb::Trade big = TestClearingHouse::Trade("OVF-2", 5'000);
  big.set_price_micros(2'000'000'000'000'000);
  pb::SubmitTradesResponse response = house_.Submit({NewTradeEvent(near_max), NewTradeEvent(big)});
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(response.results(i).outcome(), pb::TRADE_OUTCOME_REJECTED);
    EXPECT_EQ(response.results(i).code(), grpc::INVALID_ARGUMENT);
    EXPECT_EQ(response.results(i).field(), absl::StrCat("events[", i, "].trade.price_micros"));
  }
  EXPECT_EQ(response.results(0).key(), "OVF-1");
  EXPECT_EQ(house_.CheckedOpenInterest(), 0);

  // A product whose ceiling lets a notional overflow is refused.
  pb::ListProductsResponse products;
  ASSERT_TRUE(Call(*reference_, &pb::ReferenceDataService::Stub::ListProducts, kAdminToken,
                   pb::ListProductsRequest(), &products)
                  .ok());
  pb::UpsertProductRequest upsert;
  *upsert.mutable_product() = products.products(0);
  upsert.mutable_product()->set_max_price_micros(1'000'000'000'000);
  upsert.mutable_product()->set_max_trade_quantity(1'000'000'000);
  pb::Product out;
  grpc::Status status =
      Call(*reference_, &pb::ReferenceDataService::Stub::UpsertProduct, kAdminToken, upsert, &out);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("product.max_price_micros"));
}

using FeedStream = grpc::ClientReaderWriter<pb::FeedMessage, pb::FeedReply>;

struct Feed {
  grpc::ClientContext context;
  std::unique_ptr<FeedStream> stream;
};

std::unique_ptr<Feed> LogOn(pb::TradeCaptureService::Stub& stub, const std::string& feed_id,
                            bool take_over, pb::FeedReply* reply) {
  auto feed = std::make_unique<Feed>();
  TestClearingHouse::Authorize(feed->context, kExchangeToken);
  feed->stream = stub.StreamTrades(&feed->context);
  pb::FeedMessage logon;
  logon.mutable_logon()->set_feed_id(feed_id);
  logon.mutable_logon()->set_take_over(take_over);
  feed->stream->Write(logon);
  if (!feed->stream->Read(reply)) reply->Clear();
  return feed;
}

pb::FeedMessage Batch(int64_t first_sequence, const std::vector<std::string>& trade_ids) {
  pb::FeedMessage message;
  message.mutable_batch()->set_first_sequence(first_sequence);
  for (const std::string& id : trade_ids) {
    *message.mutable_batch()->add_events() = NewTradeEvent(TestClearingHouse::Trade(id));
  }
  return message;
}

// Defect 3: two live sessions of one feed, and a held sequence reused for other trades.
TEST_F(HardeningTest, AFeedHasOneLiveSessionAndNeverReusesASequence) {
  pb::FeedReply reply;
  std::unique_ptr<Feed> first = LogOn(*trades_, "F-ONE", false, &reply);
  ASSERT_TRUE(reply.has_logon_ack());
  ASSERT_TRUE(first->stream->Write(Batch(1, {"S1", "S2"})));
  ASSERT_TRUE(first->stream->Read(&reply));
  EXPECT_EQ(reply.batch_ack().last_sequence(), 2);

  // A second logon is refused while the first is live, naming it.
  std::unique_ptr<Feed> second = LogOn(*trades_, "F-ONE", false, &reply);
  grpc::Status refused = second->stream->Finish();
  EXPECT_EQ(refused.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("has a live session"));

  // Taking over ends the first session and resumes where the feed is.
  std::unique_ptr<Feed> third = LogOn(*trades_, "F-ONE", true, &reply);
  ASSERT_TRUE(reply.has_logon_ack());
  EXPECT_EQ(reply.logon_ack().last_sequence(), 2);
  first->stream->Write(Batch(3, {"S3"}));
  pb::FeedReply ignored;
  while (first->stream->Read(&ignored)) {
  }
  EXPECT_NE(first->stream->Finish().error_code(), grpc::OK);

  // Sequence 2 resent with another trade: refused, naming the sequence; nothing applied.
  ASSERT_TRUE(third->stream->Write(Batch(2, {"OTHER", "S3"})));
  EXPECT_FALSE(third->stream->Read(&reply));
  grpc::Status reused = third->stream->Finish();
  EXPECT_EQ(reused.error_code(), grpc::ALREADY_EXISTS);
  EXPECT_THAT(reused.error_message(), HasSubstr("sequence 2 of feed 'F-ONE'"));
  pqxx::connection connection(house_.database_url());
  pqxx::work tx(connection);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM trades WHERE trade_id IN ('OTHER', 'S3')")[0].as<int>(),
            0);
  EXPECT_EQ(tx.exec1("SELECT last_sequence FROM feeds WHERE feed_id = 'F-ONE'")[0].as<int>(), 2);
}

grpc::health::v1::HealthCheckResponse::ServingStatus Health(grpc::Channel& channel) {
  auto stub = grpc::health::v1::Health::NewStub(
      std::shared_ptr<grpc::Channel>(std::shared_ptr<grpc::Channel>{}, &channel));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  if (!stub->Check(&context, request, &response).ok()) {
    return grpc::health::v1::HealthCheckResponse::UNKNOWN;
  }
  return response.status();
}

// Defects 4 and 6: health said SERVING with the database gone, and errors carried its
// host, port and driver text. The database is made unreachable for this server only.
TEST_F(HardeningTest, HealthFollowsTheDatabaseAndErrorsHideIt) {
  using Status = grpc::health::v1::HealthCheckResponse;
  auto wait_for = [&](Status::ServingStatus wanted) {
    for (int i = 0; i < 100 && Health(*channel_) != wanted; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Health(*channel_);
  };
  EXPECT_EQ(wait_for(Status::SERVING), Status::SERVING);
  // ALTER DATABASE needs another database's session: the maintenance one.
  const std::string url = house_.database_url();
  const std::string name = url.substr(url.rfind('/') + 1);
  pqxx::connection admin(url.substr(0, url.rfind('/') + 1) + "postgres");
  auto set_reachable = [&](bool reachable) {
    pqxx::nontransaction tx(admin);
    tx.exec0(absl::StrCat("ALTER DATABASE \"", name, "\" ALLOW_CONNECTIONS ",
                          reachable ? "true" : "false"));
    if (!reachable) {
      tx.exec(
          absl::StrCat("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                       " WHERE datname = '",
                       name, "' AND pid <> pg_backend_pid()"));
    }
  };
  set_reachable(false);
  EXPECT_EQ(wait_for(Status::NOT_SERVING), Status::NOT_SERVING);

  // Every caller, even an unknown one, gets a neutral message with a request ID.
  for (const char* token : {kTreasuryToken, "an-unknown-token-123"}) {
    pb::ListParameterSetsResponse sets;
    grpc::Status status = Call(*margin_, &pb::MarginService::Stub::ListParameterSets, token,
                               pb::ListParameterSetsRequest(), &sets);
    EXPECT_EQ(status.error_code(), grpc::UNAVAILABLE) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr("request id"));
    for (const char* internal : {"127.0.0.1", "5543", "FATAL", "connection", name.c_str()}) {
      EXPECT_THAT(status.error_message(), Not(HasSubstr(internal)));
    }
  }
  set_reachable(true);
  EXPECT_EQ(wait_for(Status::SERVING), Status::SERVING);
  pb::ListParameterSetsResponse sets;
  EXPECT_TRUE(Call(*margin_, &pb::MarginService::Stub::ListParameterSets, kTreasuryToken,
                   pb::ListParameterSetsRequest(), &sets)
                  .ok());
}

// Defect 9: impossible dates and unknown indices.
TEST_F(HardeningTest, IndexValuesAndCalibrationRefuseImpossibleDates) {
  struct Case {
    const char* code;
    const char* date;
    grpc::StatusCode status;
    const char* says;
  };
  for (const Case& c :
       {Case{"NOSUCH", "2026-11-20", grpc::NOT_FOUND, "'NOSUCH' is not the index"},
        Case{"TOKFRONT", "2026-11-24", grpc::INVALID_ARGUMENT, "is after the latest business date"},
        Case{"TOKFRONT", "2026-11-21", grpc::INVALID_ARGUMENT,
             "2026-11-21 is not a business day"}}) {
    pb::LoadIndexValuesRequest request;
    pb::IndexValue* v = request.add_values();
    v->set_index_code(c.code);
    v->set_business_date(c.date);
    v->set_value_micros(3'000'000);
    pb::LoadIndexValuesResponse loaded;
    grpc::Status status =
        Call(*margin_, &pb::MarginService::Stub::LoadIndexValues, kRiskToken, request, &loaded);
    EXPECT_EQ(status.error_code(), c.status) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(c.says));
  }
  pb::CalibrateParametersRequest saturday;
  saturday.set_business_date("2026-11-21");
  pb::RiskParameterSet set;
  grpc::Status status =
      Call(*margin_, &pb::MarginService::Stub::CalibrateParameters, kRiskToken, saturday, &set);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("business_date 2026-11-21 is not a business day"));
  pb::ListParameterSetsResponse sets;
  ASSERT_TRUE(Call(*margin_, &pb::MarginService::Stub::ListParameterSets, kTreasuryToken,
                   pb::ListParameterSetsRequest(), &sets)
                  .ok());
  EXPECT_EQ(sets.sets_size(), 0);
}

// Defect 10: the smaller ones.
TEST_F(HardeningTest, RejectionsNameTheKeyAndTheRealProblem) {
  pb::Trade bad_date = TestClearingHouse::Trade("KEY-1");
  bad_date.set_trade_date("2026-02-30");
  pb::Trade original = TestClearingHouse::Trade("KEY-2");
  pb::SubmitTradesResponse response = house_.Submit(
      {NewTradeEvent(bad_date), NewTradeEvent(original), CorrectionEvent("KEY-2", original)});
  EXPECT_EQ(response.results(0).key(), "KEY-1");
  EXPECT_THAT(response.results(0).message(), HasSubstr("is not a calendar date"));
  EXPECT_EQ(response.results(1).outcome(), pb::TRADE_OUTCOME_ACCEPTED);
  EXPECT_EQ(response.results(2).code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(response.results(2).message(), HasSubstr("must differ from original_trade_id"));
}

// Wire bytes of a `type` message whose first reachable string field holds invalid UTF-8;
// `path` is set to that field's path. Empty when the type has no string field.
std::string BadUtf8Message(const google::protobuf::Descriptor& type, std::string* path,
                           int depth = 0) {
  if (depth > 4) return "";
  auto length_delimited = [](int number, const std::string& payload) {
    std::string out;
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.WriteTag(google::protobuf::internal::WireFormatLite::MakeTag(
        number, google::protobuf::internal::WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
    coded.WriteVarint32(static_cast<uint32_t>(payload.size()));
    coded.WriteString(payload);
    coded.Trim();
    return out;
  };
  for (int i = 0; i < type.field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = type.field(i);
    const std::string name = absl::StrCat(field->name(), field->is_repeated() ? "[0]" : "");
    if (field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      *path = name;
      return length_delimited(field->number(),
                              "bad\xFF\xFE"
                              "bytes");
    }
    if (field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE && !field->is_map()) {
      std::string inner_path;
      std::string inner = BadUtf8Message(*field->message_type(), &inner_path, depth + 1);
      if (!inner.empty()) {
        *path = absl::StrCat(name, ".", inner_path);
        return length_delimited(field->number(), inner);
      }
    }
  }
  return "";
}

// Defect 8: invalid UTF-8 in a string field got INTERNAL with no details.
TEST_F(HardeningTest, InvalidUtf8IsTheCallersErrorNamingTheField) {
  grpc::GenericStub generic(channel_);
  int checked = 0;
  for (const char* service_name :
       {"tokenclear.v1.TradeCaptureService", "tokenclear.v1.ReferenceDataService",
        "tokenclear.v1.PositionService", "tokenclear.v1.MarginService",
        "tokenclear.v1.IndexService", "tokenclear.v1.LedgerService",
        "tokenclear.v1.TreasuryService", "tokenclear.v1.CashService",
        "tokenclear.v1.MemberService", "tokenclear.v1.RegulatorService",
        "tokenclear.v1.AccessService", "tokenclear.v1.AuditService"}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr);
    for (int m = 0; m < service->method_count(); ++m) {
      const google::protobuf::MethodDescriptor* method = service->method(m);
      std::string path;
      const std::string bytes = BadUtf8Message(*method->input_type(), &path);
      if (bytes.empty()) continue;  // no string field to spoil
      grpc::ClientContext context;
      TestClearingHouse::Authorize(context, kAdminToken);
      grpc::CompletionQueue queue;
      grpc::Slice slice(bytes);
      grpc::ByteBuffer request(&slice, 1);
      const std::string name = absl::StrCat("/", service_name, "/", method->name());
      grpc::Status status;
      grpc::ByteBuffer response;
      if (method->client_streaming()) {
        auto call = generic.PrepareCall(&context, name, &queue);
        void* tag = nullptr;
        bool ok = false;
        call->StartCall(reinterpret_cast<void*>(1));
        queue.Next(&tag, &ok);
        call->WriteLast(request, grpc::WriteOptions(), reinterpret_cast<void*>(2));
        queue.Next(&tag, &ok);
        call->Finish(&status, reinterpret_cast<void*>(3));
        while (queue.Next(&tag, &ok) && tag != reinterpret_cast<void*>(3)) {
        }
        // The exchange may stream; other callers are refused before reading.
        grpc::ClientContext exchange_context;
        TestClearingHouse::Authorize(exchange_context, kExchangeToken);
        auto exchange_call = generic.PrepareCall(&exchange_context, name, &queue);
        exchange_call->StartCall(reinterpret_cast<void*>(4));
        queue.Next(&tag, &ok);
        exchange_call->WriteLast(request, grpc::WriteOptions(), reinterpret_cast<void*>(5));
        queue.Next(&tag, &ok);
        exchange_call->Finish(&status, reinterpret_cast<void*>(6));
        while (queue.Next(&tag, &ok) && tag != reinterpret_cast<void*>(6)) {
        }
      } else {
        auto call = generic.PrepareUnaryCall(&context, name, request, &queue);
        call->StartCall();
        call->Finish(&response, &status, reinterpret_cast<void*>(1));
        void* tag = nullptr;
        bool ok = false;
        queue.Next(&tag, &ok);
      }
      EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT)
          << name << ": " << status.error_message();
      EXPECT_EQ(status.error_message(), absl::StrCat(path, " is not valid UTF-8")) << name;
      ++checked;
    }
  }
  EXPECT_GT(checked, 40);
}

}  // namespace
}  // namespace tc::testing
