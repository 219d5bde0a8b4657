// Who is calling. A caller proves who it is with a client certificate verified by the
// server's client CA (mutual TLS), whose identity (a subject alternative name, or else the
// subject's common name) is mapped to a principal as data, or with "authorization: Bearer
// <token>" metadata, whose SHA-256 names an unrevoked, unexpired token of a principal. A
// caller presenting both must name the same principal with each. Each principal has one
// role (clearing/access.h holds what each role may do). Handlers do not call this
// directly: services/common/rpc.h authenticates every call first.
//
//   absl::StatusOr<Principal> caller = auth.Authenticate(context);
#ifndef TOKENCLEAR_SERVICES_AUTH_H_
#define TOKENCLEAR_SERVICES_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clearing/access.h"
#include "core/clock.h"
#include "services/common/reference_cache.h"

namespace tc::services {

using Principal = clearing::Principal;

// What a call presented, taken from the transport and the metadata.
struct PresentedCredentials {
  // A verified client certificate's identities, SANs first then the CN; empty without one.
  std::vector<std::string> certificate_identities;
  // The authorization header, when one was sent.
  std::optional<std::string> authorization;
};

// The principal `presented` proves at `now`; UNAUTHENTICATED (saying which credential
// failed and why) when it proves none or two different ones.
absl::StatusOr<Principal> ResolveCaller(const PresentedCredentials& presented,
                                        const ReferenceState& state, absl::Time now);

class Authenticator {
 public:
  Authenticator(ReferenceCache& cache, const Clock& clock) : cache_(cache), clock_(clock) {}

  absl::StatusOr<Principal> Authenticate(const grpc::ServerContext& context);

 private:
  ReferenceCache& cache_;
  const Clock& clock_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_AUTH_H_
