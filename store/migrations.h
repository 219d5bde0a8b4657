// Schema migrations: the ordered SQL files of migrations/, compiled into the binary and
// applied at start-up. Each applied file is recorded with its SHA-256; start-up refuses
// to continue when an applied file was edited afterwards, or when the database holds a
// migration this binary does not know. An advisory lock keeps two servers that start
// together from racing.
//
//   TC_RETURN_IF_ERROR(ApplyMigrations(url, EmbeddedMigrations()));
#ifndef TOKENCLEAR_STORE_MIGRATIONS_H_
#define TOKENCLEAR_STORE_MIGRATIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tc::store {

struct Migration {
  int version = 0;   // from the file name: 0001_reference_data.sql -> 1
  std::string name;  // the file name
  std::string sql;
};

// The files of migrations/ as they were at build time, in version order.
const std::vector<Migration>& EmbeddedMigrations();

// Applies what is pending, each file in its own transaction. Returns how many applied.
absl::StatusOr<int> ApplyMigrations(const std::string& url, const std::vector<Migration>& all);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_MIGRATIONS_H_
