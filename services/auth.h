// Who is calling, and may they? Callers send "authorization: Bearer <token>" metadata;
// the token's SHA-256 names a principal with one role. Members see only their own
// members' data; treasury and regulator roles are separate from each other and from
// the exchange and admin roles.
//
//   TC_ASSIGN_OR_RETURN(Principal caller, auth.Authenticate(*context));
//   TC_RETURN_IF_ERROR(RequireRole(caller, {store::Role::kAdmin}));
#ifndef TOKENCLEAR_SERVICES_AUTH_H_
#define TOKENCLEAR_SERVICES_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <initializer_list>
#include <string>

#include "absl/status/statusor.h"
#include "services/reference_cache.h"
#include "store/reference_store.h"

namespace tc::services {

using Principal = store::PrincipalRecord;

class Authenticator {
 public:
  explicit Authenticator(ReferenceCache& cache) : cache_(cache) {}

  // UNAUTHENTICATED when the token is missing or unknown.
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContext& context);

  // Authenticate, then PERMISSION_DENIED unless the caller holds one of `roles`.
  absl::StatusOr<Principal> Authorize(const grpc::ServerContext& context,
                                      std::initializer_list<store::Role> roles);

 private:
  ReferenceCache& cache_;
};

// PERMISSION_DENIED unless the principal holds one of `roles`.
absl::Status RequireRole(const Principal& principal, std::initializer_list<store::Role> roles);

// The member whose data a caller may see: its own for members, `requested` (possibly
// empty = all) for treasury, regulator and admin. PERMISSION_DENIED for a member asking
// for another member.
absl::StatusOr<std::string> VisibleMember(const Principal& principal, const std::string& requested);

// PERMISSION_DENIED when a member asks for an account that is not its own (or does not
// exist: a member cannot probe for other members' account ids).
absl::Status CheckAccountVisible(const Principal& principal, const ReferenceState& state,
                                 const std::string& account_id);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_AUTH_H_
