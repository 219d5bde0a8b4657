#include <thread>

#include "gtest/gtest.h"
#include "store/migrations.h"
#include "store/pg_test_database.h"

namespace tc::store {
namespace {

int CountApplied(const std::string& url) {
  pqxx::connection connection(url);
  pqxx::work tx(connection);
  return tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<int>();
}

TEST(MigrationsPgTest, AppliesEverythingOnceAndNothingTheSecondTime) {
  PgTestDatabase db;  // applies the embedded migrations
  EXPECT_EQ(CountApplied(db.url()), static_cast<int>(EmbeddedMigrations().size()));
  absl::StatusOr<int> again = ApplyMigrations(db.url(), EmbeddedMigrations());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, 0);
}

TEST(MigrationsPgTest, RefusesAnAppliedFileThatWasEdited) {
  PgTestDatabase db;
  std::vector<Migration> edited = EmbeddedMigrations();
  edited[0].sql += "\n-- an innocent-looking edit\n";
  absl::StatusOr<int> result = ApplyMigrations(db.url(), edited);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(result.status().message().find(edited[0].name), std::string::npos);
  EXPECT_NE(result.status().message().find("edited"), std::string::npos);
}

TEST(MigrationsPgTest, RefusesADatabaseMigratedByANewerBuild) {
  PgTestDatabase db;
  std::vector<Migration> older = EmbeddedMigrations();
  older.pop_back();
  absl::StatusOr<int> result = ApplyMigrations(db.url(), older);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(MigrationsPgTest, AppliesNewFilesInOrder) {
  PgTestDatabase db;
  std::vector<Migration> more = EmbeddedMigrations();
  more.push_back(Migration{9000, "9000_test_only.sql", "CREATE TABLE test_only (x int);"});
  absl::StatusOr<int> result = ApplyMigrations(db.url(), more);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, 1);
  EXPECT_EQ(CountApplied(db.url()), static_cast<int>(more.size()));
}

TEST(MigrationsPgTest, ServersStartingTogetherDoNotRace) {
  PgTestDatabase db;
  std::vector<Migration> more = EmbeddedMigrations();
  more.push_back(
      Migration{9001, "9001_slow.sql", "SELECT pg_sleep(0.2); CREATE TABLE raced (x int);"});
  absl::StatusOr<int> first, second;
  std::thread a([&] { first = ApplyMigrations(db.url(), more); });
  std::thread b([&] { second = ApplyMigrations(db.url(), more); });
  a.join();
  b.join();
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*first + *second, 1);  // exactly one of them applied it
}

}  // namespace
}  // namespace tc::store
