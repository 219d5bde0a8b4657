// Health that tells the truth: a background probe runs a trivial transaction against
// PostgreSQL every `interval` and sets the gRPC health status of the server and of every
// service to SERVING when it succeeds and NOT_SERVING when it fails, so a client or load
// balancer sees a lost database within one interval and its return without a restart.
// Once the server is stopping, the probe stops and health stays NOT_SERVING.
//
//   Readiness readiness(pool, server->GetHealthCheckService(), service_names);
//   readiness.Start(absl::Seconds(1));
//   ...
//   readiness.Stop();   // before health->Shutdown()
#ifndef TOKENCLEAR_SERVICES_READINESS_H_
#define TOKENCLEAR_SERVICES_READINESS_H_

#include <grpcpp/health_check_service_interface.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "store/pg_pool.h"

namespace tc::services {

class Readiness {
 public:
  Readiness(store::PgPool& pool, const Clock& clock, grpc::HealthCheckServiceInterface* health,
            std::vector<std::string> service_names)
      : pool_(pool), clock_(clock), health_(health), service_names_(std::move(service_names)) {}
  ~Readiness() { Stop(); }

  // Probes once at once (so the status is right from the start), then every `interval`.
  void Start(absl::Duration interval);
  // Stops probing and sets NOT_SERVING. Idempotent.
  void Stop();

 private:
  void Probe();
  void Set(bool serving);

  store::PgPool& pool_;
  const Clock& clock_;
  grpc::HealthCheckServiceInterface* const health_;
  const std::vector<std::string> service_names_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_READINESS_H_
