#include "gtest/gtest.h"
#include "store/pg_array.h"
#include "store/pg_test_database.h"

namespace tc::store {
namespace {

TEST(PgArrayPgTest, TextSurvivesTheRoundTripIncludingTheWordNull) {
  PgTestDatabase db;
  const std::vector<std::string> values = {"plain",        "NULL", "with \"quotes\"", "back\\slash",
                                           "comma,brace}", "",     "tab\there"};
  pqxx::connection connection(db.url());
  pqxx::work tx(connection);
  pqxx::result r = tx.exec_params(
      "SELECT v, v IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) ORDER BY n",
      TextArray(values));
  ASSERT_EQ(r.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_FALSE(r[i][1].as<bool>()) << i;
    EXPECT_EQ(r[i][0].as<std::string>(), values[i]);
  }
}

TEST(PgArrayPgTest, Bigints) {
  PgTestDatabase db;
  pqxx::connection connection(db.url());
  pqxx::work tx(connection);
  EXPECT_EQ(tx.exec_params1("SELECT sum(x) FROM unnest($1::bigint[]) x",
                            BigintArray({1, -2, 9000000000000}))[0]
                .as<int64_t>(),
            8999999999999);
}

}  // namespace
}  // namespace tc::store
