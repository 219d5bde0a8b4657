// The tokenclear gRPC server: migrations, connection pool, reference cache, the services,
// gRPC health checking and server reflection, the Prometheus endpoint (its own port:
// services/common/metrics.h), and a graceful stop (health goes NOT_SERVING, streams end
// after their current batch, in-flight calls drain, then the server stops).
//
//   ServerOptions options;
//   options.listen_address = "127.0.0.1:50051";
//   options.pg_url = url;
//   options.tls = TlsOptions{cert_pem, key_pem, client_ca_pem};
//   options.metrics_listen = "127.0.0.1:9464";
//   absl::StatusOr<std::unique_ptr<ClearingServer>> server = ClearingServer::Start(options);
//   (*server)->Shutdown(absl::Seconds(10));
#ifndef TOKENCLEAR_SERVICES_CLEARING_SERVER_H_
#define TOKENCLEAR_SERVICES_CLEARING_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "services/trade_capture/trade_ingestor.h"

namespace tc::services {

// The server's TLS material, PEM text.
struct TlsOptions {
  std::string certificate_chain_pem;
  std::string private_key_pem;
  // When set, clients may present a certificate signed by this CA (mutual TLS); its
  // identity is mapped to a principal (services/common/auth.h).
  std::string client_ca_pem;
};

struct ServerOptions {
  std::string listen_address = "127.0.0.1:50051";  // port 0 picks a free port
  std::string pg_url;
  int db_connections = 8;
  IngestLimits ingest_limits;
  int max_message_bytes = 64 << 20;
  // On shutdown, health reports NOT_SERVING this long before new calls are refused, so
  // that health-checking clients and load balancers move away first.
  absl::Duration health_grace = absl::Seconds(1);
  // When set, an ADMIN principal "bootstrap-admin" with this token is ensured at start,
  // so a fresh system can be configured through the API.
  std::string bootstrap_admin_token;
  // How often health checks that PostgreSQL answers (services/readiness.h).
  absl::Duration readiness_interval = absl::Seconds(1);
  // TLS; without it the server speaks plaintext, only when allowed here and only on a
  // loopback listen address.
  std::optional<TlsOptions> tls;
  bool allow_plaintext = false;
  // host:port of the Prometheus endpoint (/metrics); empty: none. Port 0 picks one.
  std::string metrics_listen;
  // Every read of the current time (core/clock.h); a test may pass a FixedClock.
  const Clock* clock = &Clock::Real();
};

class ClearingServer {
 public:
  static absl::StatusOr<std::unique_ptr<ClearingServer>> Start(const ServerOptions& options);
  ~ClearingServer();

  int port() const { return port_; }
  // The Prometheus endpoint's port; 0 without one.
  int metrics_port() const { return metrics_port_; }
  // Graceful stop: NOT_SERVING, the health grace, then in-flight calls get up to `drain`
  // to finish. Idempotent.
  void Shutdown(absl::Duration drain);
  void Wait();

 private:
  struct Parts;
  explicit ClearingServer(std::unique_ptr<Parts> parts);

  std::unique_ptr<Parts> parts_;
  absl::Duration health_grace_;
  int port_ = 0;
  int metrics_port_ = 0;
  bool stopped_ = false;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_CLEARING_SERVER_H_
