// Who may see what, through the real server: members see only their own accounts and
// positions, treasury and regulator see everything, the exchange sees no positions;
// admin input is validated with field names, and every mutation is audited.
#include <pqxx/pqxx>

#include "gtest/gtest.h"
#include "tests/test_clearing_house.h"

namespace tc::testing {
namespace {

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pb::Trade customer = TestClearingHouse::Trade("A1");
    customer.set_buyer_account_id("CM01-C1");
    customer.set_seller_account_id("CM02-C1");
    house_.Submit({NewTradeEvent(TestClearingHouse::Trade("A0")), NewTradeEvent(customer)});
  }

  grpc::Status ListPositions(const std::string& token, const pb::ListPositionsRequest& request,
                             pb::ListPositionsResponse* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, token);
    return house_.Positions()->ListPositions(&context, request, response);
  }

  TestClearingHouse house_;
};

std::set<std::string> Accounts(const pb::ListPositionsResponse& response) {
  std::set<std::string> accounts;
  for (const pb::Position& p : response.positions()) accounts.insert(p.account_id());
  return accounts;
}

TEST_F(AccessTest, AMemberSeesOnlyItsOwnPositions) {
  pb::ListPositionsResponse response;
  ASSERT_TRUE(ListPositions(kCm01Token, {}, &response).ok());
  EXPECT_EQ(Accounts(response), (std::set<std::string>{"CM01-C1", "CM01-H"}));

  pb::ListPositionsRequest other_member;
  other_member.set_member_id("CM02");
  EXPECT_EQ(ListPositions(kCm01Token, other_member, &response).error_code(),
            grpc::PERMISSION_DENIED);
  pb::ListPositionsRequest other_account;
  other_account.set_account_id("CM02-H");
  grpc::Status status = ListPositions(kCm01Token, other_account, &response);
  EXPECT_EQ(status.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("CM02-H"), std::string::npos);
}

TEST_F(AccessTest, TreasuryAndRegulatorSeeAllTheExchangeSeesNone) {
  for (const char* token : {kTreasuryToken, kRegulatorToken}) {
    pb::ListPositionsResponse response;
    ASSERT_TRUE(ListPositions(token, {}, &response).ok());
    EXPECT_EQ(Accounts(response).size(), 4u);
  }
  pb::ListPositionsResponse response;
  EXPECT_EQ(ListPositions(kExchangeToken, {}, &response).error_code(), grpc::PERMISSION_DENIED);
}

TEST_F(AccessTest, TradesOfAnAccountAreItsLegsAgainstTheCcp) {
  pb::ListTradesRequest request;
  request.set_account_id("CM02-C1");
  pb::ListTradesResponse response;
  grpc::ClientContext context;
  TestClearingHouse::Authorize(context, kCm02Token);
  ASSERT_TRUE(house_.Positions()->ListTrades(&context, request, &response).ok());
  ASSERT_EQ(response.legs_size(), 1);
  EXPECT_EQ(response.legs(0).trade_id(), "A1");
  EXPECT_EQ(response.legs(0).side(), "SELL");
  EXPECT_EQ(response.legs(0).status(), pb::TRADE_STATUS_CLEARED);

  grpc::ClientContext denied;
  TestClearingHouse::Authorize(denied, kCm01Token);
  EXPECT_EQ(house_.Positions()->ListTrades(&denied, request, &response).error_code(),
            grpc::PERMISSION_DENIED);
}

TEST_F(AccessTest, MembersListOnlyTheirOwnAccounts) {
  pb::ListAccountsResponse response;
  grpc::ClientContext context;
  TestClearingHouse::Authorize(context, kCm02Token);
  ASSERT_TRUE(house_.ReferenceData()->ListAccounts(&context, {}, &response).ok());
  for (const pb::Account& account : response.accounts()) EXPECT_EQ(account.member_id(), "CM02");
  EXPECT_EQ(response.accounts_size(), 3);
}

TEST_F(AccessTest, AdminInputIsValidatedAndOnlyAdminsMutate) {
  auto upsert = [&](const std::string& token, const pb::Member& member) {
    pb::UpsertMemberRequest request;
    *request.mutable_member() = member;
    pb::Member response;
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, token);
    return house_.ReferenceData()->UpsertMember(&context, request, &response);
  };
  pb::Member member;
  member.set_member_id("CM05");
  member.set_name("Five");
  member.set_lei("5493001KJTIIGC8Y1R13");  // bad check digits
  member.set_status(pb::MEMBER_STATUS_ACTIVE);
  grpc::Status status = upsert(kAdminToken, member);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("member.lei"), std::string::npos);
  member.set_lei("5493001KJTIIGC8Y1R12");
  EXPECT_EQ(upsert(kTreasuryToken, member).error_code(), grpc::PERMISSION_DENIED);
  member.set_lei("549300VB4G7Q8RXHXX62");
  EXPECT_EQ(upsert(kAdminToken, member).error_code(), grpc::INVALID_ARGUMENT);  // not a real one
}

TEST_F(AccessTest, EveryMutationIsAudited) {
  pqxx::connection connection(house_.database_url());
  pqxx::work tx(connection);
  // The seed made 2 instruments, 3 members, 7 accounts, 10 principals, 1 product, 1 date.
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM audit_log WHERE principal_id = 'bootstrap-admin'")[0]
                .as<int>(),
            24);
  pqxx::row batch = tx.exec1(
      "SELECT principal_id, detail->>'accepted' FROM audit_log WHERE action = 'SubmitTrades'");
  EXPECT_EQ(batch[0].as<std::string>(), "exch1");
  EXPECT_EQ(batch[1].as<std::string>(), "2");
}

TEST_F(AccessTest, AnIdenticalResubmissionChangesNothingNotEvenTheAuditLog) {
  auto audited = [&] {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    return tx.exec1("SELECT count(*) FROM audit_log WHERE action = 'UpsertAccount'")[0].as<int>();
  };
  auto upsert = [&](const std::string& customer_name) {
    pb::UpsertAccountRequest request;
    pb::Account* a = request.mutable_account();
    a->set_account_id("CM01-C1");
    a->set_member_id("CM01");
    a->set_origin(pb::ORIGIN_CUSTOMER);
    a->set_account_class(pb::ACCOUNT_CLASS_SPECULATOR);
    a->set_status(pb::ACCOUNT_STATUS_ACTIVE);
    a->set_customer_name(customer_name);
    pb::Account response;
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, kAdminToken);
    return house_.ReferenceData()->UpsertAccount(&context, request, &response);
  };
  const int before = audited();
  ASSERT_TRUE(upsert("Customer of CM01-C1").ok());  // exactly what the fixture seeded
  EXPECT_EQ(audited(), before);
  ASSERT_TRUE(upsert("Renamed customer").ok());
  EXPECT_EQ(audited(), before + 1);
}

}  // namespace
}  // namespace tc::testing
