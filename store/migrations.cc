#include "store/migrations.h"

#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "core/check.h"
#include "core/sha256.h"
#include "store/pg_errors.h"

namespace tc::store {
namespace {

// pg_advisory_lock key: "tokenclear migrations".
constexpr int64_t kMigrationLockKey = 0x746f6b656e6d6967;

struct Applied {
  std::string name;
  std::string sha256;
};

absl::Status CheckApplied(const std::map<int, Applied>& applied,
                          const std::vector<Migration>& all) {
  std::map<int, const Migration*> known;
  for (const Migration& m : all) known[m.version] = &m;
  for (const auto& [version, record] : applied) {
    auto it = known.find(version);
    if (it == known.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the database has migration ", record.name,
                       " which this build does not know: it was migrated by a newer tokenclear"));
    }
    const std::string sha = Sha256Hex(it->second->sql);
    if (sha != record.sha256) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migration ", record.name, " was edited after it was applied (applied sha256 ",
          record.sha256, ", file sha256 ", sha, "); add a new migration instead"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ApplyLocked(pqxx::connection& connection, const std::vector<Migration>& all) {
  {
    pqxx::work tx(connection);
    tx.exec0(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    tx.commit();
  }
  std::map<int, Applied> applied;
  {
    pqxx::work tx(connection);
    for (const pqxx::row& row : tx.exec("SELECT version, name, sha256 FROM schema_migrations")) {
      applied[row[0].as<int>()] = Applied{row[1].as<std::string>(), row[2].as<std::string>()};
    }
    tx.commit();
  }
  if (absl::Status status = CheckApplied(applied, all); !status.ok()) return status;
  int count = 0;
  for (const Migration& migration : all) {
    if (applied.contains(migration.version)) continue;
    pqxx::work tx(connection);
    tx.exec(migration.sql);
    tx.exec_params("INSERT INTO schema_migrations (version, name, sha256) VALUES ($1, $2, $3)",
                   migration.version, migration.name, Sha256Hex(migration.sql));
    tx.commit();
    ++count;
  }
  return count;
}

}  // namespace

absl::StatusOr<int> ApplyMigrations(const std::string& url, const std::vector<Migration>& all) {
  for (size_t i = 1; i < all.size(); ++i) TC_CHECK(all[i - 1].version < all[i].version);
  try {
    pqxx::connection connection(url);
    // A session lock, on a connection of its own that closes at the end, so it cannot
    // leak into a pool.
    pqxx::nontransaction(connection).exec_params("SELECT pg_advisory_lock($1)", kMigrationLockKey);
    absl::StatusOr<int> result = ApplyLocked(connection, all);
    pqxx::nontransaction(connection)
        .exec_params("SELECT pg_advisory_unlock($1)", kMigrationLockKey);
    return result;
  } catch (const std::exception& e) {
    absl::Status status = StatusFromException(e);
    return absl::Status(status.code(), absl::StrCat("applying migrations: ", status.message()));
  }
}

}  // namespace tc::store
