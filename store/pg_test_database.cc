#include "store/pg_test_database.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clearing/test_reference.h"
#include "gtest/gtest.h"
#include "store/migrations.h"
#include "store/reference_store.h"

namespace tc::store {
namespace {

// postgresql://user@host:port/db -> same with another database name.
std::string WithDatabase(const std::string& url, const std::string& database) {
  const size_t slash = url.rfind('/');
  return url.substr(0, slash + 1) + database;
}

void Execute(const std::string& url, const std::string& sql) {
  pqxx::connection connection(url);
  pqxx::nontransaction(connection).exec0(sql);
}

}  // namespace

std::string PgTestDatabase::ServerUrl() {
  const char* url = std::getenv("TOKENCLEAR_TEST_PG_URL");
  return url == nullptr ? "" : url;
}

PgTestDatabase::PgTestDatabase() : server_url_(ServerUrl()) {
  if (server_url_.empty()) {
    ADD_FAILURE() << "TOKENCLEAR_TEST_PG_URL is not set: run the tests with deploy/test.sh";
    return;
  }
  static std::atomic<int> counter{0};
  name_ = absl::StrCat("tctest_", getpid(), "_", counter++, "_",
                       absl::ToUnixMicros(absl::Now()) % 1000000);
  url_ = WithDatabase(server_url_, name_);
  try {
    Execute(WithDatabase(server_url_, "postgres"), absl::StrCat("CREATE DATABASE ", name_));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "creating test database: " << e.what();
    return;
  }
  absl::StatusOr<int> applied = ApplyMigrations(url_, EmbeddedMigrations());
  EXPECT_TRUE(applied.ok()) << applied.status();
}

PgTestDatabase::~PgTestDatabase() {
  if (name_.empty()) return;
  try {
    Execute(WithDatabase(server_url_, "postgres"),
            absl::StrCat("DROP DATABASE IF EXISTS ", name_, " WITH (FORCE)"));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "dropping test database: " << e.what();
  }
}

std::unique_ptr<PgPool> PgTestDatabase::Pool(int connections) const {
  absl::StatusOr<std::unique_ptr<PgPool>> pool = PgPool::Create(url_, connections);
  EXPECT_TRUE(pool.ok()) << pool.status();
  return pool.ok() ? std::move(*pool) : nullptr;
}

void SeedSampleReference(PgPool& pool) {
  const clearing::ReferenceSnapshot snapshot = clearing::testing::SampleSnapshot();
  absl::Status status = pool.Transact({}, [&](pqxx::work& tx) {
    for (const auto& [code, product] : snapshot.products) UpsertProduct(tx, product);
    for (const auto& [id, instrument] : snapshot.instruments) UpsertInstrument(tx, instrument);
    for (const auto& [id, member] : snapshot.members) UpsertMember(tx, member);
    for (const auto& [id, account] : snapshot.accounts) UpsertAccount(tx, account);
    OpenFirstBusinessDate(tx, *snapshot.open_business_date);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
}

}  // namespace tc::store
