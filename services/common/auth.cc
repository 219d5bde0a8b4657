#include "services/common/auth.h"

#include <grpc/grpc_security_constants.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/sha256.h"

namespace tc::services {
namespace {

constexpr absl::string_view kBearer = "Bearer ";

absl::StatusOr<std::optional<Principal>> FromCertificate(const std::vector<std::string>& identities,
                                                         const ReferenceState& state) {
  if (identities.empty()) return std::nullopt;
  for (const std::string& identity : identities) {
    auto it = state.principals_by_certificate.find(identity);
    if (it != state.principals_by_certificate.end()) return it->second;
  }
  // The CN is last; it names the certificate in the refusal.
  return absl::UnauthenticatedError(absl::StrCat("the client certificate '", identities.back(),
                                                 "' is not mapped to a principal"));
}

absl::StatusOr<std::optional<Principal>> FromToken(const std::optional<std::string>& header,
                                                   const ReferenceState& state, absl::Time now) {
  if (!header.has_value()) return std::nullopt;
  if (!absl::StartsWith(*header, kBearer) || header->size() == kBearer.size()) {
    return absl::UnauthenticatedError("authorization metadata must be 'Bearer <token>'");
  }
  const std::string digest = Sha256Hex(absl::string_view(*header).substr(kBearer.size()));
  auto grant = state.tokens_by_sha256.find(digest);
  if (grant == state.tokens_by_sha256.end()) {
    return absl::UnauthenticatedError("unknown or revoked token");
  }
  if (now >= grant->second.expires_at) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the token expired at ",
        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", grant->second.expires_at, absl::UTCTimeZone())));
  }
  return grant->second.principal;
}

}  // namespace

absl::StatusOr<Principal> ResolveCaller(const PresentedCredentials& presented,
                                        const ReferenceState& state, absl::Time now) {
  absl::StatusOr<std::optional<Principal>> by_certificate =
      FromCertificate(presented.certificate_identities, state);
  if (!by_certificate.ok()) return by_certificate.status();
  absl::StatusOr<std::optional<Principal>> by_token =
      FromToken(presented.authorization, state, now);
  if (!by_token.ok()) return by_token.status();
  if (by_certificate->has_value() && by_token->has_value() &&
      (*by_certificate)->principal_id != (*by_token)->principal_id) {
    return absl::UnauthenticatedError(absl::StrCat("the client certificate names principal '",
                                                   (*by_certificate)->principal_id,
                                                   "' and the token another"));
  }
  if (by_certificate->has_value()) return **by_certificate;
  if (by_token->has_value()) return **by_token;
  return absl::UnauthenticatedError(
      "no credentials: present a client certificate or 'authorization: Bearer <token>' "
      "metadata");
}

absl::StatusOr<Principal> Authenticator::Authenticate(const grpc::ServerContext& context) {
  PresentedCredentials presented;
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  // Only a certificate the TLS handshake verified against the client CA sets a peer
  // identity; an unverified one never reaches here (the handshake fails).
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    for (const char* property : {GRPC_X509_SAN_PROPERTY_NAME, GRPC_X509_CN_PROPERTY_NAME}) {
      for (const grpc::string_ref& value : auth->FindPropertyValues(property)) {
        presented.certificate_identities.emplace_back(value.data(), value.size());
      }
    }
  }
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    presented.authorization.emplace(it->second.data(), it->second.size());
  }
  absl::StatusOr<std::shared_ptr<const ReferenceState>> state = cache_.Recent();
  if (!state.ok()) return state.status();
  return ResolveCaller(presented, **state, clock_.Now());
}

}  // namespace tc::services
