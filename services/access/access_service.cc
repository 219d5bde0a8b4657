#include "services/access/access_service.h"

#include <openssl/rand.h>

#include <array>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/check.h"
#include "core/identifiers.h"
#include "core/sha256.h"
#include "core/status_macros.h"
#include "services/common/proto_convert.h"
#include "store/access_store.h"

namespace tc::services {
namespace {

namespace pb = ::tokenclear::v1;

constexpr absl::Duration kAdminTime = absl::Seconds(10);
constexpr int kMaxTtlDays = 3650;
constexpr size_t kMaxLabelBytes = 200;
constexpr size_t kMaxIdentityBytes = 255;

// 256 bits from OpenSSL's CSPRNG, web-safe base64, with a prefix that says what it is
// (and lets secret scanners find a leaked one).
std::string NewTokenSecret() {
  std::array<unsigned char, 32> bytes;
  // RAND_bytes fails only when the CSPRNG cannot be seeded; no token may come from that.
  TC_CHECK(RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) == 1) << "RAND_bytes failed";
  return absl::StrCat("tct_", absl::WebSafeBase64Escape(absl::string_view(
                                  reinterpret_cast<const char*>(bytes.data()), bytes.size())));
}

absl::string_view TokenState(const store::TokenRow& row, absl::Time now) {
  if (row.revoked_at.has_value()) return "REVOKED";
  return now >= row.expires_at ? "EXPIRED" : "LIVE";
}

pb::ApiToken ToProto(const store::TokenRow& row, absl::Time now) {
  pb::ApiToken out;
  out.set_token_id(row.token_id);
  out.set_principal_id(row.principal_id);
  out.set_label(row.label);
  out.set_issued_by(row.issued_by);
  SetTimestamp(row.issued_at, out.mutable_issued_at());
  SetTimestamp(row.expires_at, out.mutable_expires_at());
  out.set_revoked_by(row.revoked_by);
  if (row.revoked_at.has_value()) SetTimestamp(*row.revoked_at, out.mutable_revoked_at());
  out.set_state(std::string(TokenState(row, now)));
  return out;
}

absl::Status ValidateIssue(const pb::IssueTokenRequest& request) {
  TC_RETURN_IF_ERROR(ValidateIdentifier("token_id", request.token_id()));
  TC_RETURN_IF_ERROR(ValidateIdentifier("principal_id", request.principal_id()));
  if (request.ttl_days() < 1 || request.ttl_days() > kMaxTtlDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("ttl_days ", request.ttl_days(), " is not in 1..", kMaxTtlDays));
  }
  if (request.label().size() > kMaxLabelBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("label is ", request.label().size(), " bytes; at most ", kMaxLabelBytes));
  }
  return absl::OkStatus();
}

absl::Status UnknownPrincipal(const std::string& principal_id) {
  return absl::NotFoundError(absl::StrCat("principal_id '", principal_id, "' is not a principal"));
}

}  // namespace

grpc::Status AccessServiceImpl::Admin(
    Context* context, absl::string_view method,
    absl::FunctionRef<absl::Status(pqxx::work&, const Call&)> body) {
  return rpc_.Run(
      context, method, clearing::kAdminOnly, kAdminTime, [&](const Call& call) -> absl::Status {
        absl::Status status =
            pool_.Transact({.deadline = call.deadline},
                           [&](pqxx::work& tx) -> absl::Status { return body(tx, call); });
        cache_.Invalidate();
        return status;
      });
}

grpc::Status AccessServiceImpl::IssueToken(Context* context, const pb::IssueTokenRequest* request,
                                           pb::IssueTokenResponse* response) {
  return Admin(context, "IssueToken", [&](pqxx::work& tx, const Call& call) -> absl::Status {
    TC_RETURN_IF_ERROR(ValidateIssue(*request));
    if (!store::PrincipalExists(tx, request->principal_id())) {
      return UnknownPrincipal(request->principal_id());
    }
    store::TokenRow row;
    row.token_id = request->token_id();
    row.principal_id = request->principal_id();
    row.label = request->label();
    row.issued_by = call.caller.principal_id;
    row.issued_at = call.now;
    row.expires_at = call.now + absl::Hours(24) * request->ttl_days();
    const std::string secret = NewTokenSecret();
    if (!store::InsertToken(tx, row, Sha256(secret))) {
      return absl::AlreadyExistsError(
          absl::StrCat("token_id '", row.token_id,
                       "' is already issued; its secret was shown once (revoke it and issue "
                       "another id if it was lost)"));
    }
    store::Audit(
        tx, call.actor(), "IssueToken", row.token_id, {"principal_id", "expires_at", "label"},
        {row.principal_id,
         absl::FormatTime(absl::RFC3339_full, row.expires_at, absl::UTCTimeZone()), row.label});
    *response->mutable_token() = ToProto(row, call.now);
    response->set_secret(secret);
    return absl::OkStatus();
  });
}

grpc::Status AccessServiceImpl::ListTokens(Context* context, const pb::ListTokensRequest* request,
                                           pb::ListTokensResponse* response) {
  return Admin(context, "ListTokens", [&](pqxx::work& tx, const Call& call) -> absl::Status {
    if (!request->principal_id().empty()) {
      TC_RETURN_IF_ERROR(ValidateIdentifier("principal_id", request->principal_id()));
    }
    response->Clear();  // a retried transaction starts the answer again
    for (const store::TokenRow& row : store::ListTokens(tx, request->principal_id())) {
      *response->add_tokens() = ToProto(row, call.now);
    }
    return absl::OkStatus();
  });
}

grpc::Status AccessServiceImpl::RevokeToken(Context* context, const pb::RevokeTokenRequest* request,
                                            pb::ApiToken* response) {
  return Admin(context, "RevokeToken", [&](pqxx::work& tx, const Call& call) -> absl::Status {
    TC_RETURN_IF_ERROR(ValidateIdentifier("token_id", request->token_id()));
    if (store::RevokeToken(tx, request->token_id(), call.caller.principal_id, call.now)) {
      store::Audit(tx, call.actor(), "RevokeToken", request->token_id(), {}, {});
    }
    std::optional<store::TokenRow> row = store::FindToken(tx, request->token_id());
    if (!row.has_value()) {
      return absl::NotFoundError(
          absl::StrCat("token_id '", request->token_id(), "' is not a token"));
    }
    *response = ToProto(*row, call.now);
    return absl::OkStatus();
  });
}

grpc::Status AccessServiceImpl::MapCertificate(Context* context,
                                               const pb::MapCertificateRequest* request,
                                               pb::CertificateIdentity* response) {
  const pb::CertificateIdentity& in = request->identity();
  return Admin(context, "MapCertificate", [&](pqxx::work& tx, const Call& call) -> absl::Status {
    if (in.identity().empty() || in.identity().size() > kMaxIdentityBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("identity.identity must be 1..", kMaxIdentityBytes, " bytes"));
    }
    TC_RETURN_IF_ERROR(ValidateIdentifier("identity.principal_id", in.principal_id()));
    if (!store::PrincipalExists(tx, in.principal_id())) {
      return absl::NotFoundError(
          absl::StrCat("identity.principal_id '", in.principal_id(), "' is not a principal"));
    }
    if (store::UpsertCertificateIdentity(tx, in.identity(), in.principal_id())) {
      store::Audit(tx, call.actor(), "MapCertificate", in.identity(), {"principal_id"},
                   {in.principal_id()});
    }
    *response = in;
    return absl::OkStatus();
  });
}

grpc::Status AccessServiceImpl::UnmapCertificate(Context* context,
                                                 const pb::UnmapCertificateRequest* request,
                                                 pb::UnmapCertificateResponse* response) {
  return Admin(context, "UnmapCertificate", [&](pqxx::work& tx, const Call& call) -> absl::Status {
    if (request->identity().empty() || request->identity().size() > kMaxIdentityBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("identity must be 1..", kMaxIdentityBytes, " bytes"));
    }
    const bool removed = store::DeleteCertificateIdentity(tx, request->identity());
    if (removed) store::Audit(tx, call.actor(), "UnmapCertificate", request->identity(), {}, {});
    response->set_removed(removed);
    return absl::OkStatus();
  });
}

grpc::Status AccessServiceImpl::ListCertificateIdentities(
    Context* context, const pb::ListCertificateIdentitiesRequest*,
    pb::ListCertificateIdentitiesResponse* response) {
  return Admin(context, "ListCertificateIdentities",
               [&](pqxx::work& tx, const Call&) -> absl::Status {
                 response->Clear();  // a retried transaction starts the answer again
                 for (const auto& [identity, principal] : store::LoadCertificateIdentities(tx)) {
                   pb::CertificateIdentity* out = response->add_identities();
                   out->set_identity(identity);
                   out->set_principal_id(principal.principal_id);
                 }
                 return absl::OkStatus();
               });
}

}  // namespace tc::services
