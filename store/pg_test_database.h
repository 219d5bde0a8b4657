// Test support for *_pgtest: a fresh, migrated database on the PostgreSQL that
// deploy/test.sh starts (TOKENCLEAR_TEST_PG_URL), dropped when the object goes away.
// Tests never share state, so ctest may run them in parallel.
//
//   PgTestDatabase db;                       // skips the test if no server is configured
//   auto pool = db.Pool();
#ifndef TOKENCLEAR_STORE_PG_TEST_DATABASE_H_
#define TOKENCLEAR_STORE_PG_TEST_DATABASE_H_

#include <memory>
#include <string>

#include "store/pg_pool.h"

namespace tc::store {

class PgTestDatabase {
 public:
  // Creates and migrates the database; fails the test (ADD_FAILURE) when that fails.
  PgTestDatabase();
  ~PgTestDatabase();

  const std::string& url() const { return url_; }
  std::unique_ptr<PgPool> Pool(int connections = 4) const;

  // The server URL from the environment, or empty.
  static std::string ServerUrl();

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

// Writes clearing::testing::SampleSnapshot() (products, instruments, members, accounts,
// open business date) into the database.
void SeedSampleReference(PgPool& pool);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_PG_TEST_DATABASE_H_
