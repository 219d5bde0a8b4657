// tokenclear_server: the clearing house's gRPC server.
//
//   tokenclear_server --listen=0.0.0.0:50051 --pg_url=postgresql://...
//       --tls_cert=server.pem --tls_key=server.key --tls_client_ca=ca.pem
//   tokenclear_server --listen=127.0.0.1:50051 --plaintext --pg_url=...   (loopback only)
// Configuration comes from flags, or from the environment variables named in --help.
// SIGTERM or SIGINT stops it gracefully.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "services/server/clearing_server.h"

namespace {

std::string FromEnv(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

ABSL_FLAG(std::string, listen, FromEnv("TOKENCLEAR_LISTEN", "127.0.0.1:50051"),
          "address:port to serve gRPC on (env TOKENCLEAR_LISTEN)");
ABSL_FLAG(std::string, pg_url, FromEnv("TOKENCLEAR_PG_URL", ""),
          "PostgreSQL connection string (env TOKENCLEAR_PG_URL)");
ABSL_FLAG(int, db_connections, 8, "database connections in the pool");
ABSL_FLAG(int, max_batch_events, 10'000, "most trade events in one batch or stream message");
ABSL_FLAG(int, max_message_mb, 64, "largest gRPC message accepted, MiB");
ABSL_FLAG(int, drain_seconds, 10, "how long in-flight calls may take to finish on shutdown");
ABSL_FLAG(int, health_grace_ms, 1000,
          "on shutdown, how long health reports NOT_SERVING before new calls are refused");
ABSL_FLAG(std::string, tls_cert, FromEnv("TOKENCLEAR_TLS_CERT", ""),
          "PEM file: the server's certificate chain (env TOKENCLEAR_TLS_CERT)");
ABSL_FLAG(std::string, tls_key, FromEnv("TOKENCLEAR_TLS_KEY", ""),
          "PEM file: the server's private key (env TOKENCLEAR_TLS_KEY)");
ABSL_FLAG(std::string, tls_client_ca, FromEnv("TOKENCLEAR_TLS_CLIENT_CA", ""),
          "PEM file: the CA of client certificates, for mutual TLS (env TOKENCLEAR_TLS_CLIENT_CA)");
ABSL_FLAG(bool, plaintext, false, "serve without TLS (allowed on a loopback address only)");
ABSL_FLAG(std::string, bootstrap_admin_token, FromEnv("TOKENCLEAR_ADMIN_TOKEN", ""),
          "ensure an ADMIN principal with this token (env TOKENCLEAR_ADMIN_TOKEN)");

namespace {

absl::StatusOr<std::string> ReadPem(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", path, " cannot be read"));
  }
  if (text.find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", path, " holds no PEM"));
  }
  return text;
}

// Certificate and key go together; the client CA only with them.
absl::StatusOr<std::optional<tc::services::TlsOptions>> TlsFromFlags() {
  const std::string cert = absl::GetFlag(FLAGS_tls_cert);
  const std::string key = absl::GetFlag(FLAGS_tls_key);
  const std::string client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  if (cert.empty() && key.empty() && client_ca.empty()) return std::nullopt;
  if (cert.empty() || key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  tc::services::TlsOptions tls;
  TC_ASSIGN_OR_RETURN(tls.certificate_chain_pem, ReadPem("tls_cert", cert));
  TC_ASSIGN_OR_RETURN(tls.private_key_pem, ReadPem("tls_key", key));
  if (!client_ca.empty()) {
    TC_ASSIGN_OR_RETURN(tls.client_ca_pem, ReadPem("tls_client_ca", client_ca));
  }
  return tls;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("tokenclear clearing-house gRPC server");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_pg_url).empty()) {
    std::fprintf(stderr, "tokenclear_server: --pg_url or TOKENCLEAR_PG_URL is required\n");
    return 2;
  }
  // Block the stop signals before any thread starts, so that only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  tc::services::ServerOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.pg_url = absl::GetFlag(FLAGS_pg_url);
  options.db_connections = absl::GetFlag(FLAGS_db_connections);
  options.ingest_limits.max_events = absl::GetFlag(FLAGS_max_batch_events);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_mb) << 20;
  options.bootstrap_admin_token = absl::GetFlag(FLAGS_bootstrap_admin_token);
  options.health_grace = absl::Milliseconds(absl::GetFlag(FLAGS_health_grace_ms));
  options.allow_plaintext = absl::GetFlag(FLAGS_plaintext);
  absl::StatusOr<std::optional<tc::services::TlsOptions>> tls = TlsFromFlags();
  if (!tls.ok()) {
    std::fprintf(stderr, "tokenclear_server: %s\n", tls.status().ToString().c_str());
    return 2;
  }
  options.tls = *std::move(tls);
  absl::StatusOr<std::unique_ptr<tc::services::ClearingServer>> server =
      tc::services::ClearingServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "tokenclear_server: %s\n", server.status().ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "tokenclear_server: serving on port %d\n", (*server)->port());
  std::fflush(stderr);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "tokenclear_server: signal %d, draining for up to %d s\n", signal_number,
               absl::GetFlag(FLAGS_drain_seconds));
  (*server)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_drain_seconds)));
  std::fprintf(stderr, "tokenclear_server: stopped\n");
  return 0;
}
