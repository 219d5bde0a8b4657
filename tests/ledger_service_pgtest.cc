// LedgerService through the real server and PostgreSQL: entries posted with
// store::PostJournalEntries straight into the server's database (as the end-of-day run
// will) read back through the RPCs: balances with their filters, the journal paged and
// filtered, the ledger check passing and then failing on a tampered balance. Only
// treasury and the regulator may read the ledger; bad filters are INVALID_ARGUMENT
// naming the field and the value.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "settlement/ledger.h"
#include "store/ledger_store.h"
#include "tests/test_clearing_house.h"
#include "tokenclear/v1/ledger.grpc.pb.h"

namespace tc::testing {
namespace {

using clearing::Origin;
using settlement::JournalEntry;

const absl::CivilDay kDate(2026, 11, 23);

class LedgerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", house_.server().port()),
                                   grpc::InsecureChannelCredentials());
    ledger_ = pb::LedgerService::NewStub(channel_);
  }

  template <typename Method, typename Request, typename Response>
  grpc::Status Call(Method method, const std::string& token, const Request& request,
                    Response* response) {
    grpc::ClientContext context;
    TestClearingHouse::Authorize(context, token);
    return (ledger_.get()->*method)(&context, request, response);
  }

  // Posts the way the end-of-day run does: one transaction, the store function.
  int64_t Post(const std::vector<JournalEntry>& entries) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    absl::StatusOr<int64_t> posted =
        store::PostJournalEntries(tx, entries, "eod", absl::FromUnixSeconds(1'795'430'000));
    EXPECT_TRUE(posted.ok()) << posted.status();
    tx.commit();
    return posted.value_or(-1);
  }

  void Exec(const std::string& sql) {
    pqxx::connection connection(house_.database_url());
    pqxx::work tx(connection);
    tx.exec(sql);
    tx.commit();
  }

  // Two days of variation margin: on the 23rd CM01 house collects $50.00 and customer
  // $0.01, CM02 house pays $50.00 (the rounding account pays the cent); on the 24th CM02
  // house collects $12.34 and CM01 house pays it.
  std::vector<JournalEntry> TwoDays() {
    settlement::CashSettlement day1{{{"CM01", Origin::kHouse, "USD", 0, 5'000},
                                     {"CM01", Origin::kCustomer, "USD", 0, 1},
                                     {"CM02", Origin::kHouse, "USD", 0, -5'000}},
                                    {{"USD", -1}}};
    settlement::CashSettlement day2{
        {{"CM02", Origin::kHouse, "USD", 0, 1'234}, {"CM01", Origin::kHouse, "USD", 0, -1'234}},
        {{"USD", 0}}};
    std::vector<JournalEntry> entries;
    for (auto [day, cash] : {std::pair{kDate, day1}, std::pair{kDate + 1, day2}}) {
      absl::StatusOr<std::vector<JournalEntry>> plan = settlement::PlanCashPostings(
          day, settlement::CashPostingKind::kVariationMargin, "VM_POST", cash);
      EXPECT_TRUE(plan.ok()) << plan.status();
      if (plan.ok()) entries.insert(entries.end(), plan->begin(), plan->end());
    }
    return entries;
  }

  TestClearingHouse house_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::LedgerService::Stub> ledger_;
};

TEST_F(LedgerServiceTest, BalancesReadBackWhatWasPosted) {
  ASSERT_EQ(Post(TwoDays()), 6);
  pb::ListLedgerBalancesResponse all;
  ASSERT_TRUE(Call(&pb::LedgerService::Stub::ListLedgerBalances, kTreasuryToken,
                   pb::ListLedgerBalancesRequest(), &all)
                  .ok());
  std::map<std::string, int64_t> balances;
  for (const pb::LedgerBalance& b : all.balances()) {
    balances[b.account().ledger_account_id()] = b.balance_cents();
  }
  // CM01 house: -5,000 + 1,234 (credit: the CCP owes it $37.66).
  EXPECT_EQ(balances["CM01:HOUSE:CASH:USD"], -3'766);
  EXPECT_EQ(balances["CM01:CUSTOMER:CASH:USD"], -1);
  EXPECT_EQ(balances["CM02:HOUSE:CASH:USD"], 3'766);
  EXPECT_EQ(balances["CCP:VM_SETTLEMENT:USD"], 0);
  EXPECT_EQ(balances["CCP:ROUNDING:USD"], 1);
  EXPECT_EQ(all.balances_size(), 5);

  pb::ListLedgerBalancesRequest by_member;
  by_member.set_member_id("CM01");
  pb::ListLedgerBalancesResponse cm01;
  ASSERT_TRUE(
      Call(&pb::LedgerService::Stub::ListLedgerBalances, kRegulatorToken, by_member, &cm01).ok());
  ASSERT_EQ(cm01.balances_size(), 2);
  const pb::LedgerBalance& customer = cm01.balances(0);  // ordered by account id
  EXPECT_EQ(customer.account().ledger_account_id(), "CM01:CUSTOMER:CASH:USD");
  EXPECT_EQ(customer.account().kind(), "MEMBER_CASH");
  EXPECT_EQ(customer.account().origin(), "CUSTOMER");
  EXPECT_EQ(customer.account().currency(), "USD");
  EXPECT_EQ(customer.line_count(), 1);
  EXPECT_GT(customer.last_entry_id(), 0);

  pb::ListLedgerBalancesRequest by_kind;
  by_kind.set_kind("CCP_VM_SETTLEMENT");
  pb::ListLedgerBalancesResponse vm;
  ASSERT_TRUE(
      Call(&pb::LedgerService::Stub::ListLedgerBalances, kTreasuryToken, by_kind, &vm).ok());
  ASSERT_EQ(vm.balances_size(), 1);
  EXPECT_EQ(vm.balances(0).line_count(), 6);  // 3 calls, the rounding, 2 calls
  EXPECT_TRUE(vm.balances(0).account().member_id().empty());
}

TEST_F(LedgerServiceTest, TheJournalPagesAndFilters) {
  const std::vector<JournalEntry> posted = TwoDays();
  ASSERT_EQ(Post(posted), 6);
  // Pages of two, in entry order, until the token runs out.
  std::vector<std::string> keys;
  pb::ListJournalEntriesRequest request;
  request.set_page_size(2);
  for (int page = 0; page < 10; ++page) {
    pb::ListJournalEntriesResponse response;
    ASSERT_TRUE(
        Call(&pb::LedgerService::Stub::ListJournalEntries, kTreasuryToken, request, &response)
            .ok());
    for (const pb::JournalEntry& e : response.entries()) keys.push_back(e.idempotency_key());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  ASSERT_EQ(keys.size(), 6u);
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(keys[i], posted[i].idempotency_key);

  pb::ListJournalEntriesRequest filtered;
  filtered.set_from_business_date("2026-11-24");
  filtered.set_to_business_date("2026-11-24");
  filtered.set_member_id("CM02");
  pb::ListJournalEntriesResponse day2;
  ASSERT_TRUE(
      Call(&pb::LedgerService::Stub::ListJournalEntries, kRegulatorToken, filtered, &day2).ok());
  ASSERT_EQ(day2.entries_size(), 1);
  const pb::JournalEntry& e = day2.entries(0);
  EXPECT_EQ(e.idempotency_key(), "VM/2026-11-24/CM02/HOUSE/USD");
  EXPECT_EQ(e.business_date(), "2026-11-24");
  EXPECT_EQ(e.kind(), "VARIATION_MARGIN");
  EXPECT_EQ(e.eod_step(), "VM_POST");
  EXPECT_EQ(e.posted_by(), "eod");
  EXPECT_EQ(e.posted_at().seconds(), 1'795'430'000);
  EXPECT_EQ(e.payload_sha256().size(), 64u);
  ASSERT_EQ(e.lines_size(), 2);
  EXPECT_EQ(e.lines(0).account().ledger_account_id(), "CM02:HOUSE:CASH:USD");
  EXPECT_EQ(e.lines(0).amount_cents(), -1'234);
  EXPECT_EQ(e.lines(1).amount_cents(), 1'234);
  EXPECT_TRUE(day2.next_page_token().empty());

  pb::ListJournalEntriesRequest by_account;
  by_account.set_ledger_account_id("CCP:ROUNDING:USD");
  pb::ListJournalEntriesResponse rounding;
  ASSERT_TRUE(
      Call(&pb::LedgerService::Stub::ListJournalEntries, kTreasuryToken, by_account, &rounding)
          .ok());
  ASSERT_EQ(rounding.entries_size(), 1);
  EXPECT_EQ(rounding.entries(0).idempotency_key(), "VM/2026-11-23/ROUNDING/USD");
}

TEST_F(LedgerServiceTest, TheCheckPassesAndThenFindsATamperedBalance) {
  ASSERT_EQ(Post(TwoDays()), 6);
  pb::CheckLedgerResponse check;
  ASSERT_TRUE(
      Call(&pb::LedgerService::Stub::CheckLedger, kTreasuryToken, pb::CheckLedgerRequest(), &check)
          .ok());
  EXPECT_TRUE(check.ok());
  EXPECT_EQ(check.entries(), 6);
  EXPECT_EQ(check.problems_size(), 0);
  Exec(
      "UPDATE ledger_balances SET balance_cents = balance_cents - 100"
      " WHERE ledger_account_id = 'CM01:HOUSE:CASH:USD'");
  ASSERT_TRUE(
      Call(&pb::LedgerService::Stub::CheckLedger, kRegulatorToken, pb::CheckLedgerRequest(), &check)
          .ok());
  EXPECT_FALSE(check.ok());
  EXPECT_EQ(check.balance_mismatches(), 1);
  ASSERT_EQ(check.problems_size(), 1);
  EXPECT_NE(check.problems(0).find("CM01:HOUSE:CASH:USD"), std::string::npos) << check.problems(0);
}

TEST_F(LedgerServiceTest, OnlyTreasuryAndTheRegulatorReadTheLedger) {
  for (const char* token : {kCm01Token, kAdminToken, kExchangeToken, kIndexProviderToken}) {
    pb::ListLedgerBalancesResponse balances;
    EXPECT_EQ(Call(&pb::LedgerService::Stub::ListLedgerBalances, token,
                   pb::ListLedgerBalancesRequest(), &balances)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << token;
    pb::ListJournalEntriesResponse journal;
    EXPECT_EQ(Call(&pb::LedgerService::Stub::ListJournalEntries, token,
                   pb::ListJournalEntriesRequest(), &journal)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << token;
    pb::CheckLedgerResponse check;
    EXPECT_EQ(Call(&pb::LedgerService::Stub::CheckLedger, token, pb::CheckLedgerRequest(), &check)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << token;
  }
  pb::ListLedgerBalancesResponse balances;
  EXPECT_EQ(Call(&pb::LedgerService::Stub::ListLedgerBalances, "not-a-token-at-all-000",
                 pb::ListLedgerBalancesRequest(), &balances)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(LedgerServiceTest, BadFiltersNameTheFieldAndTheValue) {
  ASSERT_EQ(Post(TwoDays()), 6);
  auto journal = [&](const std::function<void(pb::ListJournalEntriesRequest&)>& set) {
    pb::ListJournalEntriesRequest request;
    set(request);
    pb::ListJournalEntriesResponse response;
    return Call(&pb::LedgerService::Stub::ListJournalEntries, kTreasuryToken, request, &response);
  };
  const std::vector<
      std::pair<std::function<void(pb::ListJournalEntriesRequest&)>, std::vector<std::string>>>
      cases = {
          {[](auto& r) { r.set_from_business_date("2026-13-01"); },
           {"from_business_date", "2026-13-01"}},
          {[](auto& r) { r.set_to_business_date("yesterday"); }, {"to_business_date", "yesterday"}},
          {[](auto& r) {
             r.set_from_business_date("2026-11-24");
             r.set_to_business_date("2026-11-23");
           },
           {"from_business_date", "2026-11-24", "2026-11-23"}},
          {[](auto& r) { r.set_member_id("CM77"); }, {"member_id", "CM77"}},
          {[](auto& r) { r.set_member_id("bad member"); }, {"member_id"}},
          {[](auto& r) { r.set_ledger_account_id("CM77:HOUSE:CASH:USD"); },
           {"ledger_account_id", "CM77:HOUSE:CASH:USD"}},
          {[](auto& r) { r.set_ledger_account_id("no spaces"); }, {"ledger_account_id"}},
          {[](auto& r) { r.set_page_token("abc"); }, {"page_token", "abc"}},
          {[](auto& r) { r.set_page_token("-5"); }, {"page_token", "-5"}},
          {[](auto& r) { r.set_page_token("99999999999999999999"); }, {"page_token"}},
          {[](auto& r) { r.set_page_size(1001); }, {"page_size", "1001"}},
          {[](auto& r) { r.set_page_size(-1); }, {"page_size", "-1"}},
      };
  for (const auto& [set, words] : cases) {
    grpc::Status status = journal(set);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << words[0];
    for (const std::string& word : words) {
      EXPECT_NE(status.error_message().find(word), std::string::npos)
          << status.error_message() << " lacks " << word;
    }
  }
  for (auto [member, kind, word] :
       {std::tuple{"CM77", "", "member_id"}, std::tuple{"", "member_cash", "member_cash"},
        std::tuple{"", "COLLATERAL", "COLLATERAL"}}) {
    pb::ListLedgerBalancesRequest request;
    request.set_member_id(member);
    request.set_kind(kind);
    pb::ListLedgerBalancesResponse response;
    grpc::Status status =
        Call(&pb::LedgerService::Stub::ListLedgerBalances, kTreasuryToken, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << word;
    EXPECT_NE(status.error_message().find(word), std::string::npos) << status.error_message();
  }
  // A known member without ledger accounts yet is fine: an empty answer, not an error.
  pb::ListLedgerBalancesRequest suspended;
  suspended.set_member_id("CM09");
  pb::ListLedgerBalancesResponse none;
  ASSERT_TRUE(
      Call(&pb::LedgerService::Stub::ListLedgerBalances, kTreasuryToken, suspended, &none).ok());
  EXPECT_EQ(none.balances_size(), 0);
}

}  // namespace
}  // namespace tc::testing
