// The audit trail through the real server: a mutation's row and a refusal's row both carry
// the call's request ID (the x-request-id the client got back), the outcome and the
// principal; an unauthenticated call writes nothing; treasury and the regulator query it
// (filtered, paged) and nobody else may.
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/test_clearing_house.h"
#include "tokenclear/v1/access.grpc.pb.h"

namespace tc::testing {
namespace {

using AuditStub = pb::AuditService::Stub;

std::string RequestId(const grpc::ClientContext& context) {
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find("x-request-id");
  return it == trailers.end() ? "" : std::string(it->second.data(), it->second.size());
}

class AuditTest : public ::testing::Test {
 protected:
  grpc::Status Query(const std::string& token, const pb::ListAuditEventsRequest& request,
                     pb::ListAuditEventsResponse* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, token);
    return pb::AuditService::NewStub(house_.channel())
        ->ListAuditEvents(&context, request, response);
  }

  // The audit rows of one call, seen by the regulator.
  std::vector<pb::AuditEvent> RowsOf(const std::string& request_id) {
    pb::ListAuditEventsRequest request;
    request.set_request_id(request_id);
    pb::ListAuditEventsResponse response;
    EXPECT_TRUE(Query(kRegulatorToken, request, &response).ok());
    return {response.events().begin(), response.events().end()};
  }

  // ListPositions of `account` as `token`; returns the request ID.
  std::string ListPositions(const std::string& token, const std::string& account,
                            grpc::StatusCode expected) {
    grpc::ClientContext context;
    if (!token.empty()) TestClearingHouse::Authorize(context, token);
    pb::ListPositionsRequest request;
    request.set_account_id(account);
    pb::ListPositionsResponse response;
    EXPECT_EQ(house_.Positions()->ListPositions(&context, request, &response).error_code(),
              expected);
    return RequestId(context);
  }

  TestClearingHouse house_;
};

TEST_F(AuditTest, AMutationIsAuditedWithItsRequestId) {
  grpc::ClientContext context;
  TestClearingHouse::Authorize(context, kAdminToken);
  pb::UpsertHolidayRequest request;
  request.mutable_holiday()->set_date("2026-12-25");
  request.mutable_holiday()->set_name("Christmas Day");
  pb::Holiday out;
  ASSERT_TRUE(house_.ReferenceData()->UpsertHoliday(&context, request, &out).ok());
  const std::string id = RequestId(context);
  ASSERT_EQ(id.size(), 16u);
  const std::vector<pb::AuditEvent> rows = RowsOf(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].principal_id(), "bootstrap-admin");
  EXPECT_EQ(rows[0].action(), "UpsertHoliday");
  EXPECT_EQ(rows[0].target(), "2026-12-25");
  EXPECT_EQ(rows[0].outcome(), "OK");
}

TEST_F(AuditTest, RefusalsOfAuthenticatedCallersAreAuditedAndUnauthenticatedOnesAreNot) {
  const std::string denied =
      ListPositions(kCm01Token, "CM02-H", grpc::StatusCode::PERMISSION_DENIED);
  std::vector<pb::AuditEvent> rows = RowsOf(denied);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].principal_id(), "cm01-ops");
  EXPECT_EQ(rows[0].action(), "ListPositions");
  EXPECT_EQ(rows[0].outcome(), "PERMISSION_DENIED");
  EXPECT_TRUE(absl::StrContains(rows[0].detail_json(), "CM02-H")) << rows[0].detail_json();

  // A refused mutation: its refusal is on record, and no row of a change.
  grpc::ClientContext context;
  TestClearingHouse::Authorize(context, kAdminToken);
  pb::UpsertHolidayRequest bad;
  bad.mutable_holiday()->set_date("2026-13-01");
  bad.mutable_holiday()->set_name("No such day");
  pb::Holiday out;
  EXPECT_EQ(house_.ReferenceData()->UpsertHoliday(&context, bad, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  rows = RowsOf(RequestId(context));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].outcome(), "INVALID_ARGUMENT");
  EXPECT_TRUE(absl::StrContains(rows[0].detail_json(), "holiday.date")) << rows[0].detail_json();

  // No credentials, or unknown ones: nothing written (a stranger cannot make us write).
  for (const std::string& token : {std::string(), std::string("not-a-known-token-000")}) {
    const std::string id = ListPositions(token, "CM01-H", grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_TRUE(RowsOf(id).empty()) << token;
  }
}

TEST_F(AuditTest, TreasuryAndTheRegulatorQueryItFilteredAndPaged) {
  for (int i = 0; i < 3; ++i) {
    ListPositions(kCm01Token, "CM02-H", grpc::StatusCode::PERMISSION_DENIED);
  }
  pb::ListAuditEventsRequest request;
  request.set_principal_id("cm01-ops");
  request.set_outcome("PERMISSION_DENIED");
  request.set_page_size(2);
  pb::ListAuditEventsResponse first;
  ASSERT_TRUE(Query(kTreasuryToken, request, &first).ok());
  ASSERT_EQ(first.events_size(), 2);
  ASSERT_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  pb::ListAuditEventsResponse second;
  ASSERT_TRUE(Query(kTreasuryToken, request, &second).ok());
  ASSERT_EQ(second.events_size(), 1);
  EXPECT_TRUE(second.next_page_token().empty());
  EXPECT_LT(first.events(1).audit_id(), second.events(0).audit_id());
  for (const auto* page : {&first, &second}) {
    for (const pb::AuditEvent& e : page->events()) {
      EXPECT_EQ(e.principal_id(), "cm01-ops");
      EXPECT_EQ(e.outcome(), "PERMISSION_DENIED");
    }
  }

  request.set_page_token("abc");
  pb::ListAuditEventsResponse bad;
  const grpc::Status invalid = Query(kRegulatorToken, request, &bad);
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(invalid.error_message(), "page_token \"abc\""));

  for (const char* token : {kCm01Token, kAdminToken, kExchangeToken, kRiskToken}) {
    pb::ListAuditEventsResponse refused;
    EXPECT_EQ(Query(token, {}, &refused).error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << token;
  }
}

}  // namespace
}  // namespace tc::testing
