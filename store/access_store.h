// PostgreSQL access for who may call (migrations/0009_access.sql): bearer tokens (digests
// only, with an expiry, revocable once), client-certificate identities mapped to
// principals, and reading the audit log. Functions take the caller's transaction.
//
//   store::TokenRow row = ...;  // from IssueToken's request and the clock
//   if (!store::InsertToken(tx, row, Sha256(secret))) { ... the token id is taken ... }
//   for (auto& [digest_hex, grant] : store::LoadTokenGrants(tx)) { ... }
#ifndef TOKENCLEAR_STORE_ACCESS_STORE_H_
#define TOKENCLEAR_STORE_ACCESS_STORE_H_

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/sha256.h"
#include "store/reference_store.h"

namespace tc::store {

bool PrincipalExists(pqxx::transaction_base& tx, const std::string& principal_id);

// What an unrevoked token admits, and until when.
struct TokenGrant {
  PrincipalRecord principal;
  absl::Time expires_at;
};

// Every unrevoked token, as digest (hex) -> grant; expired ones included (the caller
// compares with its clock, so that it can say "expired" rather than "unknown").
std::vector<std::pair<std::string, TokenGrant>> LoadTokenGrants(pqxx::transaction_base& tx);

// A token as listed: never its secret, nor its digest.
struct TokenRow {
  std::string token_id;
  std::string principal_id;
  std::string label;
  std::string issued_by;
  absl::Time issued_at;
  absl::Time expires_at;
  std::string revoked_by;                // empty while the token is live
  std::optional<absl::Time> revoked_at;  // set with revoked_by
};

// Inserts a new token; false (and nothing written) when `row.token_id` is taken.
bool InsertToken(pqxx::transaction_base& tx, const TokenRow& row, const Sha256Digest& sha256);
// The token whose digest is `sha256`, if any.
std::optional<TokenRow> FindTokenByDigest(pqxx::transaction_base& tx, const Sha256Digest& sha256);
std::optional<TokenRow> FindToken(pqxx::transaction_base& tx, const std::string& token_id);
// Tokens of `principal_id` (every principal's when empty), by token id.
std::vector<TokenRow> ListTokens(pqxx::transaction_base& tx, const std::string& principal_id);
// The token a seed or UpsertPrincipal gives a principal: "seed-" and the digest's first 16
// hex digits, issued now for `ttl` unless the digest is already held. False when it already
// was; INVALID_ARGUMENT when another principal holds it.
absl::StatusOr<bool> EnsureSeedToken(pqxx::transaction_base& tx, const std::string& principal_id,
                                     const Sha256Digest& sha256, const std::string& issued_by,
                                     absl::Time now, absl::Duration ttl);
// Revokes a live token; false when it is unknown or already revoked.
bool RevokeToken(pqxx::transaction_base& tx, const std::string& token_id,
                 const std::string& revoked_by, absl::Time at);

// Certificate identity -> principal.
std::vector<std::pair<std::string, PrincipalRecord>> LoadCertificateIdentities(
    pqxx::transaction_base& tx);
// Maps `identity` to `principal_id`; false when it already was (no change).
bool UpsertCertificateIdentity(pqxx::transaction_base& tx, const std::string& identity,
                               const std::string& principal_id);
// Removes a mapping; false when there was none.
bool DeleteCertificateIdentity(pqxx::transaction_base& tx, const std::string& identity);

// One row of the audit log.
struct AuditRow {
  int64_t audit_id = 0;
  absl::Time at;
  std::string principal_id;
  std::string request_id;
  std::string action;
  std::string target;
  std::string outcome;  // "OK" or the refusal's status code name
  std::string detail_json;
};

// A page of the audit log in id order, every filter optional (empty / nullopt: any).
struct AuditQuery {
  std::optional<absl::Time> from;  // at >= from
  std::optional<absl::Time> to;    // at < to
  std::string principal_id;
  std::string action;
  std::string target;
  std::string outcome;
  std::string request_id;
  int64_t after_audit_id = 0;
  int limit = 100;
};
std::vector<AuditRow> ListAudit(pqxx::transaction_base& tx, const AuditQuery& query);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_ACCESS_STORE_H_
