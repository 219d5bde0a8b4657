// PostgreSQL access for reference data: the snapshot servers validate against, admin
// upserts, API principals, holidays and the open business date. Functions take the
// caller's transaction so that a service can read, decide and write atomically.
//
//   pool.Transact({}, [&](pqxx::work& tx) {
//     TC_ASSIGN_OR_RETURN(clearing::ReferenceSnapshot snapshot, LoadReferenceSnapshot(tx));
//     ...
//   });
#ifndef TOKENCLEAR_STORE_REFERENCE_STORE_H_
#define TOKENCLEAR_STORE_REFERENCE_STORE_H_

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "clearing/access.h"
#include "clearing/reference_data.h"
#include "core/sha256.h"

namespace tc::store {

// Roles and principals are domain types (clearing/access.h); these names keep the store's
// signatures short.
using Role = clearing::Role;
using PrincipalRecord = clearing::Principal;
using clearing::RoleFromName;
using clearing::RoleName;

int64_t ReadReferenceVersion(pqxx::transaction_base& tx);
// Everything of the snapshot, open member flags included (their writes bump the version).
absl::StatusOr<clearing::ReferenceSnapshot> LoadReferenceSnapshot(pqxx::transaction_base& tx);
absl::flat_hash_set<absl::CivilDay> LoadHolidays(pqxx::transaction_base& tx);

// Upserts return whether a row was inserted or changed: writing identical data is a no-op
// (and so is not audited), which keeps re-seeding idempotent down to the audit log.
bool UpsertProduct(pqxx::transaction_base& tx, const clearing::Product& product);
bool UpsertInstrument(pqxx::transaction_base& tx, const clearing::Instrument& instrument);
bool UpsertMember(pqxx::transaction_base& tx, const clearing::Member& member);
bool UpsertAccount(pqxx::transaction_base& tx, const clearing::Account& account);
// Its tokens and certificate identities are store/access_store.h's.
bool UpsertPrincipal(pqxx::transaction_base& tx, const PrincipalRecord& principal);
bool UpsertHoliday(pqxx::transaction_base& tx, absl::CivilDay day, const std::string& name);

struct OpenedDate {
  absl::CivilDay business_date;
  bool opened_now = false;
};

// Opens `day` when no business date was ever opened; otherwise returns the open date,
// or nullopt when dates exist but none is open (between a close and the next open).
std::optional<OpenedDate> OpenFirstBusinessDate(pqxx::transaction_base& tx, absl::CivilDay day);

// Who acts, as the audit log records it: the principal and the call's request ID (empty
// for work no call started).
struct Actor {
  std::string principal_id;
  std::string request_id;
};

// Appends to the audit log: who did what to which object, in the call's transaction (so
// the row exists exactly when the change does), outcome OK.
void Audit(pqxx::transaction_base& tx, const Actor& actor, const std::string& action,
           const std::string& target, const std::vector<std::string>& detail_keys,
           const std::vector<std::string>& detail_values);

// Appends a refused or failed call: `outcome` is its status code name, `message` what the
// caller was told.
void AuditRefusal(pqxx::transaction_base& tx, const Actor& actor, const std::string& action,
                  const std::string& outcome, const std::string& message);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_REFERENCE_STORE_H_
