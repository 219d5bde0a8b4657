// The whole access matrix through the real server over TLS: every RPC of every service,
// called by every role (by token, and a member also by its client certificate alone) and
// with no, malformed, unknown, expired or revoked credentials, a client certificate that
// maps to no principal and one from another CA. The expected matrix is written out here
// from the README's role table, independently of the server's own sets; an RPC added to
// the API without a row here fails the test.
//
// Each call sends an empty request: a caller that may not call the method must be
// refused before the request is read (so no validation error can come first), and one
// that may call it must never be refused for its role.
#include <grpcpp/generic/generic_stub.h>

#include <map>
#include <pqxx/pqxx>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/test_certificates.h"
#include "tests/test_clearing_house.h"

namespace tc::testing {
namespace {

enum class Who {
  kNone,
  kMalformed,
  kUnknown,
  kExpired,
  kRevoked,
  kUnknownCertificate,  // a certificate of our CA that maps to no principal
  kOtherCa,             // cm01-ops's names and token, but a certificate of another CA
  kAdmin,
  kExchange,
  kMember,
  kMemberCertificate,  // cm01-ops by its client certificate alone
  kTreasury,
  kRegulator,
  kIndexProvider,
  kRisk
};

constexpr char kExpiredToken[] = "test-expired-token-0001";
constexpr char kRevokedToken[] = "test-revoked-token-0001";

const std::map<Who, std::string> kHeaders = {
    {Who::kMalformed, "Basic dXNlcjpwYXNz"},
    {Who::kUnknown, "Bearer not-a-known-token-000"},
    {Who::kExpired, absl::StrCat("Bearer ", kExpiredToken)},
    {Who::kRevoked, absl::StrCat("Bearer ", kRevokedToken)},
    {Who::kUnknownCertificate, absl::StrCat("Bearer ", kCm01Token)},
    {Who::kOtherCa, absl::StrCat("Bearer ", kCm01Token)},
    {Who::kAdmin, absl::StrCat("Bearer ", kAdminToken)},
    {Who::kExchange, absl::StrCat("Bearer ", kExchangeToken)},
    {Who::kMember, absl::StrCat("Bearer ", kCm01Token)},
    {Who::kTreasury, absl::StrCat("Bearer ", kTreasuryToken)},
    {Who::kRegulator, absl::StrCat("Bearer ", kRegulatorToken)},
    {Who::kIndexProvider, absl::StrCat("Bearer ", kIndexProviderToken)},
    {Who::kRisk, absl::StrCat("Bearer ", kRiskToken)},
};

const std::set<Who> kEveryRole = {Who::kAdmin,    Who::kExchange,  Who::kMember,
                                  Who::kTreasury, Who::kRegulator, Who::kIndexProvider,
                                  Who::kRisk};
const std::vector<Who> kCallers = {Who::kNone,
                                   Who::kMalformed,
                                   Who::kUnknown,
                                   Who::kExpired,
                                   Who::kRevoked,
                                   Who::kUnknownCertificate,
                                   Who::kOtherCa,
                                   Who::kAdmin,
                                   Who::kExchange,
                                   Who::kMember,
                                   Who::kMemberCertificate,
                                   Who::kTreasury,
                                   Who::kRegulator,
                                   Who::kIndexProvider,
                                   Who::kRisk};
// Refused before any role is looked at.
const std::set<Who> kUnauthenticated = {Who::kNone,    Who::kMalformed, Who::kUnknown,
                                        Who::kExpired, Who::kRevoked,   Who::kUnknownCertificate};
const std::set<Who> kMemberData = {Who::kMember, Who::kTreasury, Who::kRegulator};

// README "Services": who may call what.
const std::map<std::string, std::set<Who>> kAllowed = {
    {"tokenclear.v1.TradeCaptureService/SubmitTrades", {Who::kExchange}},
    {"tokenclear.v1.TradeCaptureService/StreamTrades", {Who::kExchange}},
    {"tokenclear.v1.TradeCaptureService/GetFeedStatus", {Who::kExchange}},
    {"tokenclear.v1.ReferenceDataService/UpsertProduct", {Who::kAdmin}},
    {"tokenclear.v1.ReferenceDataService/UpsertInstrument", {Who::kAdmin}},
    {"tokenclear.v1.ReferenceDataService/ListContractMonths", {Who::kAdmin}},
    {"tokenclear.v1.ReferenceDataService/UpsertMember", {Who::kAdmin}},
    {"tokenclear.v1.ReferenceDataService/UpsertAccount", {Who::kAdmin}},
    {"tokenclear.v1.ReferenceDataService/UpsertPrincipal", {Who::kAdmin}},
    {"tokenclear.v1.ReferenceDataService/UpsertHoliday", {Who::kAdmin}},
    {"tokenclear.v1.ReferenceDataService/OpenFirstBusinessDate", {Who::kAdmin}},
    {"tokenclear.v1.ReferenceDataService/ListProducts", kEveryRole},
    {"tokenclear.v1.ReferenceDataService/ListInstruments", kEveryRole},
    {"tokenclear.v1.ReferenceDataService/ListMembers", kEveryRole},
    {"tokenclear.v1.ReferenceDataService/ListAccounts", kEveryRole},
    {"tokenclear.v1.ReferenceDataService/GetBusinessDate", kEveryRole},
    {"tokenclear.v1.PositionService/ListPositions", kMemberData},
    {"tokenclear.v1.PositionService/GetOpenInterest", kEveryRole},
    {"tokenclear.v1.PositionService/ListTrades", kMemberData},
    {"tokenclear.v1.MarginService/LoadIndexValues", {Who::kRisk}},
    {"tokenclear.v1.MarginService/CalibrateParameters", {Who::kRisk}},
    {"tokenclear.v1.MarginService/ApproveParameterSet", {Who::kRisk}},
    {"tokenclear.v1.MarginService/ListParameterSets", kEveryRole},
    {"tokenclear.v1.MarginService/GetParameterSet", kEveryRole},
    {"tokenclear.v1.MarginService/ExportParameterSet", kEveryRole},
    {"tokenclear.v1.MarginService/GetAccountMargin", kMemberData},
    {"tokenclear.v1.MarginService/WhatIfMargin", kEveryRole},
    {"tokenclear.v1.MarginService/IncrementalMargin", kMemberData},
    {"tokenclear.v1.MarginService/RunMarginCycle", {Who::kTreasury}},
    {"tokenclear.v1.MarginService/ListMarginRequirements", kMemberData},
    {"tokenclear.v1.LedgerService/ListLedgerBalances", {Who::kTreasury, Who::kRegulator}},
    {"tokenclear.v1.LedgerService/ListJournalEntries", {Who::kTreasury, Who::kRegulator}},
    {"tokenclear.v1.LedgerService/CheckLedger", {Who::kTreasury, Who::kRegulator}},
    {"tokenclear.v1.RegulatorService/ListReports", {Who::kTreasury, Who::kRegulator}},
    {"tokenclear.v1.RegulatorService/GetReport", {Who::kTreasury, Who::kRegulator}},
    {"tokenclear.v1.RegulatorService/ListReportableLevels", {Who::kTreasury, Who::kRegulator}},
    {"tokenclear.v1.RegulatorService/SetReportableLevel", {Who::kAdmin}},
    {"tokenclear.v1.IndexService/SubmitIndexObservations", {Who::kIndexProvider}},
    {"tokenclear.v1.IndexService/ComputeFixing", {Who::kTreasury}},
    {"tokenclear.v1.IndexService/GetFixing", kEveryRole},
    {"tokenclear.v1.IndexService/ListFixings", kEveryRole},
    {"tokenclear.v1.IndexService/ListIndexFlags", {Who::kTreasury, Who::kRegulator}},
    {"tokenclear.v1.IndexService/ApproveIndexFlag", {Who::kTreasury}},
    {"tokenclear.v1.IndexService/FreezeIndex", {Who::kTreasury}},
    {"tokenclear.v1.IndexService/UnfreezeIndex", {Who::kTreasury}},
    {"tokenclear.v1.IndexService/SetIndexSettings", {Who::kTreasury}},
    {"tokenclear.v1.IndexService/GetIndexSettings", kEveryRole},
    {"tokenclear.v1.TreasuryService/SubmitSettlementPrices", {Who::kExchange}},
    {"tokenclear.v1.TreasuryService/ProposeSettlementPrices", {Who::kTreasury}},
    {"tokenclear.v1.TreasuryService/ApproveSettlementPrices", {Who::kTreasury}},
    {"tokenclear.v1.TreasuryService/CorrectSettlementPrices", {Who::kTreasury}},
    {"tokenclear.v1.TreasuryService/ListSettlementPrices", kEveryRole},
    {"tokenclear.v1.TreasuryService/RunEndOfDay", {Who::kTreasury}},
    {"tokenclear.v1.TreasuryService/StopEndOfDay", {Who::kTreasury}},
    {"tokenclear.v1.TreasuryService/GetEndOfDayStatus", {Who::kTreasury, Who::kRegulator}},
    {"tokenclear.v1.TreasuryService/ReplayEndOfDay", {Who::kTreasury, Who::kRegulator}},
    {"tokenclear.v1.TreasuryService/ListVariationMargin", kMemberData},
    {"tokenclear.v1.CashService/UpsertCashReference", {Who::kAdmin, Who::kTreasury}},
    {"tokenclear.v1.CashService/DepositCollateral", {Who::kTreasury}},
    {"tokenclear.v1.CashService/WithdrawCollateral", {Who::kTreasury}},
    {"tokenclear.v1.CashService/ListCollateral", kMemberData},
    {"tokenclear.v1.CashService/LoadCollateralPrices", {Who::kTreasury}},
    {"tokenclear.v1.CashService/ListObligations", kMemberData},
    {"tokenclear.v1.CashService/InstructPayments", {Who::kTreasury}},
    {"tokenclear.v1.CashService/ListPaymentInstructions", kMemberData},
    {"tokenclear.v1.CashService/ExportPayments", {Who::kTreasury}},
    {"tokenclear.v1.CashService/ConfirmPayment", {Who::kTreasury}},
    {"tokenclear.v1.CashService/ImportCamt054", {Who::kTreasury}},
    {"tokenclear.v1.CashService/CheckPaymentDeadlines", {Who::kTreasury}},
    {"tokenclear.v1.CashService/ListMemberFlags", kMemberData},
    {"tokenclear.v1.CashService/GetReconciliation", {Who::kTreasury, Who::kRegulator}},
    {"tokenclear.v1.CashService/RunIntradayCycle", {Who::kTreasury}},
    {"tokenclear.v1.MemberService/GetPositions", kMemberData},
    {"tokenclear.v1.MemberService/ListTrades", kMemberData},
    {"tokenclear.v1.MemberService/GetMargin", kMemberData},
    {"tokenclear.v1.MemberService/GetCashStatement", kMemberData},
    {"tokenclear.v1.MemberService/ListCollateral", kMemberData},
    {"tokenclear.v1.MemberService/ListObligations", kMemberData},
    {"tokenclear.v1.MemberService/ListPaymentInstructions", kMemberData},
    {"tokenclear.v1.MemberService/StreamNotifications", kMemberData},
    {"tokenclear.v1.AccessService/IssueToken", {Who::kAdmin}},
    {"tokenclear.v1.AccessService/ListTokens", {Who::kAdmin}},
    {"tokenclear.v1.AccessService/RevokeToken", {Who::kAdmin}},
    {"tokenclear.v1.AccessService/MapCertificate", {Who::kAdmin}},
    {"tokenclear.v1.AccessService/UnmapCertificate", {Who::kAdmin}},
    {"tokenclear.v1.AccessService/ListCertificateIdentities", {Who::kAdmin}},
    {"tokenclear.v1.AuditService/ListAuditEvents", {Who::kTreasury, Who::kRegulator}},
};

// Server streams that stay open until the client goes (an empty request is a valid one):
// called with a short deadline, which an admitted caller reaches (DEADLINE_EXCEEDED).
const std::set<std::string> kOpenEndedStreams = {"tokenclear.v1.MemberService/StreamNotifications"};

constexpr const char* kServices[] = {
    "tokenclear.v1.TradeCaptureService", "tokenclear.v1.ReferenceDataService",
    "tokenclear.v1.PositionService",     "tokenclear.v1.MarginService",
    "tokenclear.v1.IndexService",        "tokenclear.v1.LedgerService",
    "tokenclear.v1.RegulatorService",    "tokenclear.v1.TreasuryService",
    "tokenclear.v1.CashService",         "tokenclear.v1.MemberService",
    "tokenclear.v1.AccessService",       "tokenclear.v1.AuditService"};

class AccessMatrixTest : public ::testing::Test {
 protected:
  AccessMatrixTest()
      : certificates_("matrix", {"cm01-ops", "stranger"}),
        other_ca_("matrix-other", {"cm01-ops"}),
        house_(Options()),
        tls_(certificates_.Channel(house_.target(), certificates_.Ca())),
        member_certificate_(certificates_.Channel(house_.target(), certificates_.Ca(), "cm01-ops")),
        unknown_certificate_(
            certificates_.Channel(house_.target(), certificates_.Ca(), "stranger")),
        other_ca_certificate_(other_ca_.Channel(house_.target(), certificates_.Ca(), "cm01-ops")) {
    SeedCredentials();
  }

  TestHouseOptions Options() const {
    TestHouseOptions options;
    options.tls = certificates_.Server();
    options.server_ca_pem = certificates_.Ca();
    return options;
  }

  // cm01-ops's certificate mapped; an expired and a revoked token of cm01-ops, written as
  // stored rows (their state, not how they got there, is what is tested here).
  void SeedCredentials() {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    tx.exec0(
        "INSERT INTO certificate_identities VALUES ('tokenclear:principal:cm01-ops', 'cm01-ops')");
    tx.exec_params0(
        "INSERT INTO api_tokens (token_id, principal_id, token_sha256, issued_by, issued_at,"
        " expires_at, revoked_by, revoked_at) VALUES"
        " ('expired', 'cm01-ops', sha256($1::bytea), 'test', now() - interval '2 days',"
        "  now() - interval '1 day', NULL, NULL),"
        " ('revoked', 'cm01-ops', sha256($2::bytea), 'test', now(), now() + interval '1 day',"
        "  'test', now())",
        kExpiredToken, kRevokedToken);
    tx.commit();
  }

  const std::shared_ptr<grpc::Channel>& ChannelOf(Who who) const {
    switch (who) {
      case Who::kMemberCertificate:
        return member_certificate_;
      case Who::kUnknownCertificate:
        return unknown_certificate_;
      case Who::kOtherCa:
        return other_ca_certificate_;
      default:
        return tls_;
    }
  }

  void Prepare(grpc::ClientContext& context, Who who) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (kHeaders.contains(who)) context.AddMetadata("authorization", kHeaders.at(who));
  }

  // A unary call with an empty request, as raw bytes.
  grpc::Status CallUnary(const std::string& method, Who who) {
    grpc::ClientContext context;
    Prepare(context, who);
    if (kOpenEndedStreams.contains(method)) {
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    }
    grpc::CompletionQueue queue;
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1);
    grpc::GenericStub generic(ChannelOf(who));
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
        generic.PrepareUnaryCall(&context, absl::StrCat("/", method), request, &queue);
    call->StartCall();
    grpc::ByteBuffer response;
    grpc::Status status;
    call->Finish(&response, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(queue.Next(&tag, &ok));
    return status;
  }

  // The feed stream: a logon with an empty feed ID, then half-close.
  grpc::Status CallStream(Who who) {
    grpc::ClientContext context;
    Prepare(context, who);
    auto stub = pb::TradeCaptureService::NewStub(ChannelOf(who));
    auto stream = stub->StreamTrades(&context);
    pb::FeedMessage logon;
    logon.mutable_logon()->set_feed_id("");
    stream->Write(logon);
    stream->WritesDone();
    pb::FeedReply reply;
    while (stream->Read(&reply)) {
    }
    return stream->Finish();
  }

  TestCertificates certificates_;
  TestCertificates other_ca_;
  TestClearingHouse house_;
  std::shared_ptr<grpc::Channel> tls_;
  std::shared_ptr<grpc::Channel> member_certificate_;
  std::shared_ptr<grpc::Channel> unknown_certificate_;
  std::shared_ptr<grpc::Channel> other_ca_certificate_;
};

TEST_F(AccessMatrixTest, EveryRpcTimesEveryCaller) {
  int cells = 0;
  for (const char* service_name : kServices) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << service_name;
    for (int m = 0; m < service->method_count(); ++m) {
      const google::protobuf::MethodDescriptor* method = service->method(m);
      const std::string name = absl::StrCat(service_name, "/", method->name());
      auto allowed = kAllowed.find(name);
      ASSERT_NE(allowed, kAllowed.end()) << name << " has no row in the access matrix";
      for (Who who : kCallers) {
        const grpc::Status status =
            method->client_streaming() ? CallStream(who) : CallUnary(name, who);
        const std::string cell = absl::StrCat(name, " as caller #", static_cast<int>(who), ": ",
                                              status.error_code(), " ", status.error_message());
        ++cells;
        const Who role = who == Who::kMemberCertificate ? Who::kMember : who;
        if (who == Who::kOtherCa) {
          EXPECT_EQ(status.error_code(), grpc::UNAVAILABLE) << cell;  // no handshake
        } else if (kUnauthenticated.contains(who)) {
          EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED) << cell;
        } else if (allowed->second.contains(role)) {
          EXPECT_NE(status.error_code(), grpc::UNAUTHENTICATED) << cell;
          EXPECT_NE(status.error_code(), grpc::PERMISSION_DENIED) << cell;
          EXPECT_NE(status.error_code(), grpc::INTERNAL) << cell;
        } else {
          EXPECT_EQ(status.error_code(), grpc::PERMISSION_DENIED) << cell;
        }
      }
    }
  }
  EXPECT_EQ(cells, static_cast<int>(kAllowed.size() * kCallers.size()));
}

}  // namespace
}  // namespace tc::testing
