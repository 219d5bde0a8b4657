// Who is calling. Callers send "authorization: Bearer <token>" metadata; the token's
// SHA-256 names a principal with one role (clearing/access.h holds what each role may
// do). Handlers do not call this directly: services/rpc.h authenticates every call first.
//
//   absl::StatusOr<Principal> caller = auth.Authenticate(context);
#ifndef TOKENCLEAR_SERVICES_AUTH_H_
#define TOKENCLEAR_SERVICES_AUTH_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "clearing/access.h"
#include "services/common/reference_cache.h"

namespace tc::services {

using Principal = clearing::Principal;

class Authenticator {
 public:
  explicit Authenticator(ReferenceCache& cache) : cache_(cache) {}

  // UNAUTHENTICATED when the token is missing, malformed or unknown.
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContext& context);

 private:
  ReferenceCache& cache_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_AUTH_H_
