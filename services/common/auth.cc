#include "services/common/auth.h"

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

}  // namespace tc::services
