#include "store/access_store.h"

#include "absl/strings/str_cat.h"
#include "core/check.h"
#include "store/pg_time.h"

namespace tc::store {
namespace {

PrincipalRecord PrincipalFromFields(const pqxx::field& id, const pqxx::field& role,
                                    const pqxx::field& member_id) {
  std::optional<Role> parsed = RoleFromName(role.as<std::string>());
  TC_CHECK(parsed.has_value()) << "role constrained by the schema";
  return {id.as<std::string>(), *parsed, member_id.as<std::string>()};
}

std::string TokenColumns() {
  return absl::StrCat("token_id, principal_id, label, issued_by, ", EpochMicros("issued_at"), ", ",
                      EpochMicros("expires_at"), ", coalesce(revoked_by, ''), ",
                      EpochMicros("revoked_at"));
}

TokenRow TokenFromRow(const pqxx::row& r) {
  TokenRow row;
  row.token_id = r[0].as<std::string>();
  row.principal_id = r[1].as<std::string>();
  row.label = r[2].as<std::string>();
  row.issued_by = r[3].as<std::string>();
  row.issued_at = TimeFromField(r[4]);
  row.expires_at = TimeFromField(r[5]);
  row.revoked_by = r[6].as<std::string>();
  if (!r[7].is_null()) row.revoked_at = TimeFromField(r[7]);
  return row;
}

std::optional<TokenRow> FirstToken(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return TokenFromRow(result[0]);
}

}  // namespace

bool PrincipalExists(pqxx::transaction_base& tx, const std::string& principal_id) {
  return !tx.exec_params("SELECT 1 FROM principals WHERE principal_id = $1", principal_id).empty();
}

std::vector<std::pair<std::string, TokenGrant>> LoadTokenGrants(pqxx::transaction_base& tx) {
  std::vector<std::pair<std::string, TokenGrant>> grants;
  for (const pqxx::row& r :
       tx.exec(absl::StrCat("SELECT encode(t.token_sha256, 'hex'), p.principal_id, p.role, "
                            "coalesce(p.member_id, ''), ",
                            EpochMicros("t.expires_at"),
                            " FROM api_tokens t JOIN principals p USING (principal_id)"
                            " WHERE t.revoked_at IS NULL"))) {
    grants.emplace_back(r[0].as<std::string>(),
                        TokenGrant{PrincipalFromFields(r[1], r[2], r[3]), TimeFromField(r[4])});
  }
  return grants;
}

bool InsertToken(pqxx::transaction_base& tx, const TokenRow& row, const Sha256Digest& sha256) {
  return tx.exec_params(
               "INSERT INTO api_tokens (token_id, principal_id, token_sha256, label, issued_by,"
               " issued_at, expires_at)"
               " VALUES ($1, $2, decode($3, 'hex'), $4, $5, $6::timestamptz, $7::timestamptz)"
               " ON CONFLICT (token_id) DO NOTHING",
               row.token_id, row.principal_id, ToHex(sha256), row.label, row.issued_by,
               TimeParam(row.issued_at), TimeParam(row.expires_at))
             .affected_rows() > 0;
}

std::optional<TokenRow> FindTokenByDigest(pqxx::transaction_base& tx, const Sha256Digest& sha256) {
  return FirstToken(tx.exec_params(absl::StrCat("SELECT ", TokenColumns(),
                                                " FROM api_tokens WHERE token_sha256 = decode($1, "
                                                "'hex')"),
                                   ToHex(sha256)));
}

std::optional<TokenRow> FindToken(pqxx::transaction_base& tx, const std::string& token_id) {
  return FirstToken(tx.exec_params(
      absl::StrCat("SELECT ", TokenColumns(), " FROM api_tokens WHERE token_id = $1"), token_id));
}

std::vector<TokenRow> ListTokens(pqxx::transaction_base& tx, const std::string& principal_id) {
  std::vector<TokenRow> rows;
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat("SELECT ", TokenColumns(),
                        " FROM api_tokens WHERE $1 = '' OR principal_id = $1 ORDER BY token_id"),
           principal_id)) {
    rows.push_back(TokenFromRow(r));
  }
  return rows;
}

absl::StatusOr<bool> EnsureSeedToken(pqxx::transaction_base& tx, const std::string& principal_id,
                                     const Sha256Digest& sha256, const std::string& issued_by,
                                     absl::Time now, absl::Duration ttl) {
  if (std::optional<TokenRow> held = FindTokenByDigest(tx, sha256)) {
    if (held->principal_id == principal_id) return false;
    return absl::InvalidArgumentError("principal.token is already issued to another principal");
  }
  TokenRow row;
  row.token_id = absl::StrCat("seed-", ToHex(sha256).substr(0, 16));
  row.principal_id = principal_id;
  row.label = "seed";
  row.issued_by = issued_by;
  row.issued_at = now;
  row.expires_at = now + ttl;
  if (!InsertToken(tx, row, sha256)) {
    return absl::InvalidArgumentError(
        absl::StrCat("principal.token: token id ", row.token_id, " is taken"));
  }
  return true;
}

bool RevokeToken(pqxx::transaction_base& tx, const std::string& token_id,
                 const std::string& revoked_by, absl::Time at) {
  return tx.exec_params(
               "UPDATE api_tokens SET revoked_by = $2, revoked_at = $3::timestamptz"
               " WHERE token_id = $1 AND revoked_at IS NULL",
               token_id, revoked_by, TimeParam(at))
             .affected_rows() > 0;
}

std::vector<std::pair<std::string, PrincipalRecord>> LoadCertificateIdentities(
    pqxx::transaction_base& tx) {
  std::vector<std::pair<std::string, PrincipalRecord>> identities;
  for (const pqxx::row& r :
       tx.exec("SELECT c.identity, p.principal_id, p.role, coalesce(p.member_id, '')"
               " FROM certificate_identities c JOIN principals p USING (principal_id)"
               " ORDER BY c.identity")) {
    identities.emplace_back(r[0].as<std::string>(), PrincipalFromFields(r[1], r[2], r[3]));
  }
  return identities;
}

bool UpsertCertificateIdentity(pqxx::transaction_base& tx, const std::string& identity,
                               const std::string& principal_id) {
  return tx.exec_params(
               "INSERT INTO certificate_identities (identity, principal_id) VALUES ($1, $2)"
               " ON CONFLICT (identity) DO UPDATE SET principal_id = excluded.principal_id"
               " WHERE certificate_identities.principal_id <> excluded.principal_id",
               identity, principal_id)
             .affected_rows() > 0;
}

bool DeleteCertificateIdentity(pqxx::transaction_base& tx, const std::string& identity) {
  return tx.exec_params("DELETE FROM certificate_identities WHERE identity = $1", identity)
             .affected_rows() > 0;
}

std::vector<AuditRow> ListAudit(pqxx::transaction_base& tx, const AuditQuery& q) {
  std::vector<AuditRow> rows;
  const pqxx::result result = tx.exec_params(
      absl::StrCat("SELECT audit_id, ", EpochMicros("at"),
                   ", principal_id, request_id, action, target, outcome, detail::text"
                   " FROM audit_log WHERE audit_id > $1"
                   " AND ($2 = '' OR at >= nullif($2, '')::timestamptz)"
                   " AND ($3 = '' OR at < nullif($3, '')::timestamptz)"
                   " AND ($4 = '' OR principal_id = $4) AND ($5 = '' OR action = $5)"
                   " AND ($6 = '' OR target = $6) AND ($7 = '' OR outcome = $7)"
                   " AND ($8 = '' OR request_id = $8)"
                   " ORDER BY audit_id LIMIT $9"),
      q.after_audit_id, q.from.has_value() ? TimeParam(*q.from) : "",
      q.to.has_value() ? TimeParam(*q.to) : "", q.principal_id, q.action, q.target, q.outcome,
      q.request_id, q.limit);
  for (const pqxx::row& r : result) {
    AuditRow row;
    row.audit_id = r[0].as<int64_t>();
    row.at = TimeFromField(r[1]);
    row.principal_id = r[2].as<std::string>();
    row.request_id = r[3].as<std::string>();
    row.action = r[4].as<std::string>();
    row.target = r[5].as<std::string>();
    row.outcome = r[6].as<std::string>();
    row.detail_json = r[7].as<std::string>();
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace tc::store
