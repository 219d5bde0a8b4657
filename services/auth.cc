#include "services/auth.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/sha256.h"

namespace tc::services {

absl::StatusOr<Principal> Authenticator::Authenticate(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError("missing 'authorization: Bearer <token>' metadata");
  }
  const absl::string_view header(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWith(header, kBearer) || header.size() == kBearer.size()) {
    return absl::UnauthenticatedError("authorization metadata must be 'Bearer <token>'");
  }
  absl::StatusOr<std::shared_ptr<const ReferenceState>> state = cache_.Recent();
  if (!state.ok()) return state.status();
  const std::string digest = Sha256Hex(header.substr(kBearer.size()));
  auto principal = (*state)->principals_by_token_sha256.find(digest);
  if (principal == (*state)->principals_by_token_sha256.end()) {
    return absl::UnauthenticatedError("unknown token");
  }
  return principal->second;
}

absl::StatusOr<Principal> Authenticator::Authorize(const grpc::ServerContext& context,
                                                   std::initializer_list<store::Role> roles) {
  absl::StatusOr<Principal> caller = Authenticate(context);
  if (!caller.ok()) return caller;
  if (absl::Status s = RequireRole(*caller, roles); !s.ok()) return s;
  return caller;
}

absl::Status RequireRole(const Principal& principal, std::initializer_list<store::Role> roles) {
  for (store::Role role : roles) {
    if (principal.role == role) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat("principal '", principal.principal_id,
                                                  "' with role ", store::RoleName(principal.role),
                                                  " may not call this method"));
}

absl::StatusOr<std::string> VisibleMember(const Principal& principal,
                                          const std::string& requested) {
  if (principal.role != store::Role::kMember) return requested;
  if (!requested.empty() && requested != principal.member_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("member_id '", requested, "': member principals see only their own member '",
                     principal.member_id, "'"));
  }
  return principal.member_id;
}

absl::Status CheckAccountVisible(const Principal& principal, const ReferenceState& state,
                                 const std::string& account_id) {
  if (principal.role != store::Role::kMember) return absl::OkStatus();
  const clearing::Account* account = state.snapshot.FindAccount(account_id);
  if (account == nullptr || account->member_id != principal.member_id) {
    return absl::PermissionDeniedError(absl::StrCat(
        "account_id '", account_id, "' is not an account of member '", principal.member_id, "'"));
  }
  return absl::OkStatus();
}

}  // namespace tc::services
