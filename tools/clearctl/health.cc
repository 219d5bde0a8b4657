// clearctl's readiness check: the server's standard gRPC health service
// (grpc.health.v1.Health), which reports SERVING only while the server can reach
// PostgreSQL (services/common/readiness.h). Exit status 0 when the server (or the named
// service) is SERVING, 1 otherwise, so that systemd (ExecStartPost), a load balancer's
// script check or a deployment script can wait on it. Over TLS or mutual TLS like every
// other command (--tls_ca, --tls_cert, --tls_key or TOKENCLEAR_TLS_*); no token needed.
//
//   clearctl --target=127.0.0.1:50051 --tls_ca=ca.pem health                   # one probe
//   clearctl health --wait_seconds=60           # probe until SERVING, at most 60 s
//   clearctl health --service=tokenclear.v1.TradeCaptureService
#include <cstdio>
#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tools/api_client.h"
#include "tools/clearctl/command.h"

// Defined in clearctl_main.cc (so that --help lists them); only this file reads them.
ABSL_DECLARE_FLAG(std::string, service);
ABSL_DECLARE_FLAG(int, wait_seconds);

namespace tc::clearctl {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

// One probe's deadline: a server that takes longer than this is not ready.
constexpr absl::Duration kProbeTimeout = absl::Seconds(2);
constexpr absl::Duration kProbeInterval = absl::Milliseconds(250);

// The service's status, or the call's error (UNAVAILABLE when nothing listens,
// NOT_FOUND for a service the server does not have).
absl::Status Probe(const std::string& service) {
  // A new channel per probe: a channel whose connection was refused waits out gRPC's
  // reconnect backoff (1 s, 1.6 s, ... up to 2 min) before it tries again, which would
  // report a server ready many seconds after it is.
  const tools::ApiConnection api = tools::ApiConnection::FromFlags();
  const auto stub = Health::NewStub(api.channel());
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  const absl::Status status =
      api.Call(*stub, &Health::Stub::Check, request, &response, kProbeTimeout);
  if (!status.ok()) return status;
  if (response.status() != HealthCheckResponse::SERVING) {
    return absl::UnavailableError(
        HealthCheckResponse::ServingStatus_Name(response.status()));  // NOT_SERVING
  }
  return absl::OkStatus();
}

absl::Status CheckHealth(const Clients& clients, const Args&) {
  const std::string service = absl::GetFlag(FLAGS_service);
  const int wait_seconds = absl::GetFlag(FLAGS_wait_seconds);
  if (wait_seconds < 0) return absl::InvalidArgumentError("--wait_seconds must be >= 0");
  const absl::Time give_up = absl::Now() + absl::Seconds(wait_seconds);
  const std::string what =
      absl::StrCat(clients.api.target(), service.empty() ? "" : absl::StrCat(" ", service));
  // Bounded: one probe, then more only until `give_up`.
  for (int probe = 1;; ++probe) {
    const absl::Status status = Probe(service);
    if (status.ok()) {
      std::printf("%s SERVING\n", what.c_str());
      return absl::OkStatus();
    }
    if (absl::IsNotFound(status) || absl::IsUnauthenticated(status) ||
        absl::IsPermissionDenied(status) || absl::Now() + kProbeInterval >= give_up) {
      return absl::Status(status.code(), absl::StrCat(what, " not ready after ", probe,
                                                      " probe(s): ", status.message()));
    }
    absl::SleepFor(kProbeInterval);
  }
}

constexpr Command kCommands[] = {
    {"health", "health [--service=NAME] [--wait_seconds=0]   # exit 0 when SERVING", 0,
     CheckHealth},
};

}  // namespace

absl::Span<const Command> HealthCommands() { return kCommands; }

}  // namespace tc::clearctl
