#include <pqxx/pqxx>

#include "gtest/gtest.h"
#include "store/margin_store.h"
#include "store/pg_test_database.h"

namespace tc::store {
namespace {

const absl::CivilDay kDate(2026, 11, 23);
const std::string kBytes("\x01\x00\xff", 3);  // NUL and high bytes survive

class MarginStorePgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = db_.Pool();
    ASSERT_NE(pool_, nullptr);
  }

  // Runs `body` in one transaction and returns its status.
  absl::Status Tx(const std::function<void(pqxx::work&)>& body) {
    return pool_->Transact({.max_attempts = 1}, [&](pqxx::work& tx) {
      body(tx);
      return absl::OkStatus();
    });
  }

  void InsertDraft(const std::string& version, const std::string& created_by) {
    ASSERT_TRUE(Tx([&](pqxx::work& tx) {
                  InsertParameterSet(
                      tx, {version, kDate, ParameterSetStatus::kDraft, created_by, "", kBytes});
                }).ok());
  }

  PgTestDatabase db_;
  std::unique_ptr<PgPool> pool_;
};

TEST_F(MarginStorePgTest, IndexValuesUpsertAndLoadUpToTheDate) {
  ASSERT_TRUE(
      Tx([](pqxx::work& tx) {
        EXPECT_EQ(UpsertIndexValues(tx,
                                    {{"B", absl::CivilDay(2026, 11, 20), 5},
                                     {"A", absl::CivilDay(2026, 11, 23), 2},
                                     {"A", absl::CivilDay(2026, 11, 20), 1},
                                     {"A", absl::CivilDay(2026, 11, 24), 9}},
                                    "treasury1"),
                  4);
        EXPECT_EQ(UpsertIndexValues(tx, {{"A", absl::CivilDay(2026, 11, 20), 3}}, "treasury1"), 1);
      }).ok());
  std::vector<margin::IndexHistory> histories;
  ASSERT_TRUE(Tx([&](pqxx::work& tx) {
                histories = LoadIndexHistories(tx, {"A", "B", "C"}, kDate);
              }).ok());
  ASSERT_EQ(histories.size(), 2u);
  EXPECT_EQ(histories[0].index_code, "A");
  ASSERT_EQ(histories[0].values.size(), 2u);  // 2026-11-24 is after the date
  EXPECT_EQ(histories[0].values[0].date, absl::CivilDay(2026, 11, 20));
  EXPECT_EQ(histories[0].values[0].value_micros, 3);  // overwritten
  EXPECT_EQ(histories[1].values[0].value_micros, 5);
}

TEST_F(MarginStorePgTest, ParameterSetsRoundTripBytesAndApproveWithFourEyes) {
  InsertDraft("v1", "treasury1");
  std::optional<ParameterSetRow> found;
  ASSERT_TRUE(Tx([&](pqxx::work& tx) { found = FindParameterSet(tx, "v1", false); }).ok());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->parameters, kBytes);
  EXPECT_EQ(found->status, ParameterSetStatus::kDraft);
  // The database itself refuses an approval by the creator.
  EXPECT_FALSE(Tx([&](pqxx::work& tx) { ApproveParameterSet(tx, *found, "treasury1"); }).ok());
  ASSERT_TRUE(Tx([&](pqxx::work& tx) { ApproveParameterSet(tx, *found, "treasury2"); }).ok());
  InsertDraft("v2", "treasury1");
  ASSERT_TRUE(Tx([&](pqxx::work& tx) {
                ApproveParameterSet(tx, *FindParameterSet(tx, "v2", true), "treasury2");
              }).ok());
  std::vector<ParameterSetRow> listed;
  std::optional<ParameterSetRow> approved;
  ASSERT_TRUE(Tx([&](pqxx::work& tx) {
                listed = ListParameterSets(tx, kDate);
                approved = FindApprovedParameterSet(tx, kDate);
                EXPECT_EQ(CountParameterSets(tx, kDate), 2);
              }).ok());
  ASSERT_TRUE(approved.has_value());
  EXPECT_EQ(approved->version, "v2");
  EXPECT_EQ(approved->approved_by, "treasury2");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1].version, "v1");
  EXPECT_EQ(listed[1].status, ParameterSetStatus::kSuperseded);
  EXPECT_TRUE(listed[1].parameters.empty());
  // Parameters are immutable and sets are never deleted.
  EXPECT_FALSE(Tx([](pqxx::work& tx) {
                 tx.exec(
                     "UPDATE risk_parameter_sets SET parameters = '\\x00' WHERE version = 'v1'");
               }).ok());
  EXPECT_FALSE(Tx([](pqxx::work& tx) {
                 tx.exec("DELETE FROM risk_parameter_sets WHERE version = 'v1'");
               }).ok());
}

TEST_F(MarginStorePgTest, ReplaceMarginRequirementsTouchesOnlyWhatChanged) {
  InsertDraft("v1", "treasury1");
  std::vector<MarginRequirementRow> accounts = {
      {kDate, "CM01-C1", "CM01", clearing::Origin::kCustomer, 100, 110, "v1", R"({"a": 1})"},
      {kDate, "CM01-C2", "CM01", clearing::Origin::kCustomer, 50, 55, "v1", R"({"a": 2})"},
      {kDate, "CM01-H", "CM01", clearing::Origin::kHouse, 70, 70, "v1", "{}"}};
  std::vector<OriginRequirementRow> origins = {
      {kDate, "CM01", clearing::Origin::kCustomer, 150, 165, "v1", 2},
      {kDate, "CM01", clearing::Origin::kHouse, 70, 70, "v1", 1}};
  auto replace = [&] {
    int64_t changed = -1;
    EXPECT_TRUE(Tx([&](pqxx::work& tx) {
                  changed = ReplaceMarginRequirements(tx, kDate, accounts, origins);
                }).ok());
    return changed;
  };
  EXPECT_EQ(replace(), 5);
  EXPECT_EQ(replace(), 0);
  accounts[2].maintenance_micros = accounts[2].initial_micros = 80;
  origins[1].maintenance_micros = origins[1].initial_micros = 80;
  EXPECT_EQ(replace(), 2);
  accounts.pop_back();
  origins.pop_back();
  EXPECT_EQ(replace(), 2);  // the house rows go
  std::vector<MarginRequirementRow> rows;
  std::vector<OriginRequirementRow> totals;
  ASSERT_TRUE(Tx([&](pqxx::work& tx) {
                rows = ListMarginRequirements(tx, kDate, "CM01");
                totals = ListOriginRequirements(tx, kDate, "");
                pqxx::row check = tx.exec1(
                    "SELECT maintenance_micros, sum_maintenance_micros FROM customer_origin_check");
                EXPECT_EQ(check[0].as<int64_t>(), check[1].as<int64_t>());
                EXPECT_EQ(tx.exec1("SELECT maintenance_micros FROM margin_member_requirements"
                                   " WHERE member_id = 'CM01'")[0]
                              .as<int64_t>(),
                          150);
              }).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].account_id, "CM01-C1");
  EXPECT_EQ(rows[0].initial_micros, 110);
  ASSERT_EQ(totals.size(), 1u);
  EXPECT_EQ(totals[0].maintenance_micros, 150);
  EXPECT_EQ(totals[0].account_count, 2);
}

}  // namespace
}  // namespace tc::store

namespace tc::store {
namespace {

// Trades inserted directly (the API only accepts the open date): two days of TKF-202612,
// one cancelled trade that must not count, and a trade after the window.
TEST(DailyTradePricesPgTest, VolumeWeightedByDayLiveTradesOnly) {
  PgTestDatabase db;
  pqxx::connection connection(db.url());
  pqxx::work tx(connection);
  auto insert = [&](const char* id, const char* date, int64_t price, int64_t quantity) {
    tx.exec_params(
        "INSERT INTO trades (trade_id, instrument_id, price_micros, quantity, buyer_account_id,"
        " seller_account_id, buyer_effect, seller_effect, trade_date, executed_at, trade_type,"
        " business_date, payload_sha256, submitted_by)"
        " VALUES ($1, 'TKF-202612', $2, $3, 'A', 'B', 'O', 'O', $4::date, now(), 'R', $4::date,"
        " decode(repeat('00', 32), 'hex'), 'test')",
        id, price, quantity, date);
  };
  insert("T1", "2026-11-19", 3'000'000, 1);
  insert("T2", "2026-11-19", 3'005'000, 2);  // VWAP (3.000 + 2 x 3.005) / 3 = 3.003333(3)
  insert("T3", "2026-11-20", 3'100'000, 5);
  insert("T4", "2026-11-20", 9'000'000, 5);  // cancelled below: excluded
  insert("T5", "2026-11-24", 4'000'000, 1);  // after the window
  tx.exec0(
      "INSERT INTO trade_cancellations (trade_id, kind, payload_sha256, business_date,"
      " submitted_by) VALUES ('T4', 'CANCEL', decode(repeat('00', 32), 'hex'), '2026-11-20',"
      " 'test')");
  std::vector<margin::FuturesPriceHistory> histories = LoadDailyTradePrices(
      tx, {"TKF-202612", "TKF-202701"}, absl::CivilDay(2026, 11, 1), absl::CivilDay(2026, 11, 23));
  ASSERT_EQ(histories.size(), 1u);
  EXPECT_EQ(histories[0].contract_id, "TKF-202612");
  ASSERT_EQ(histories[0].prices.size(), 2u);
  EXPECT_EQ(histories[0].prices[0].date, absl::CivilDay(2026, 11, 19));
  EXPECT_EQ(histories[0].prices[0].value_micros, 3'003'333);
  EXPECT_EQ(histories[0].prices[1].value_micros, 3'100'000);
}

}  // namespace
}  // namespace tc::store
