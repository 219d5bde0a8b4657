// tokenclear_server: the clearing house's gRPC server.
//
//   tokenclear_server --listen=0.0.0.0:50051 --pg_url=postgresql://...
//       --tls_cert=server.pem --tls_key=server.key --tls_client_ca=ca.pem
//   tokenclear_server --listen=127.0.0.1:50051 --plaintext --pg_url=...   (loopback only)
//   tokenclear_server ... --metrics_listen=127.0.0.1:9464 --log_level=info
// Configuration comes from flags, or from the environment variables TOKENCLEAR_<FLAG>
// (kFlagEnvironment below). Logs are JSON lines on stderr (services/common/json_log.h).
// SIGTERM or SIGINT stops it gracefully.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "core/clock.h"
#include "core/status_macros.h"
#include "services/common/json_log.h"
#include "services/server/clearing_server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "address:port to serve gRPC on");
ABSL_FLAG(std::string, pg_url, "",
          "PostgreSQL connection string; several hosts with target_session_attrs=read-write "
          "for a high-availability pair (docs/HA.md)");
ABSL_FLAG(int, db_connections, 8, "database connections in the pool");
ABSL_FLAG(int, max_batch_events, 10'000, "most trade events in one batch or stream message");
ABSL_FLAG(int, max_message_mb, 64, "largest gRPC message accepted, MiB");
ABSL_FLAG(int, drain_seconds, 10, "how long in-flight calls may take to finish on shutdown");
ABSL_FLAG(int, health_grace_ms, 1000,
          "on shutdown, how long health reports NOT_SERVING before new calls are refused");
ABSL_FLAG(std::string, tls_cert, "", "PEM file: the server's certificate chain");
ABSL_FLAG(std::string, tls_key, "", "PEM file: the server's private key");
ABSL_FLAG(std::string, tls_client_ca, "", "PEM file: the CA of client certificates (mutual TLS)");
ABSL_FLAG(bool, plaintext, false, "serve without TLS (allowed on a loopback address only)");
ABSL_FLAG(std::string, bootstrap_admin_token, "", "ensure an ADMIN principal with this token");
ABSL_FLAG(std::string, metrics_listen, "",
          "address:port of the Prometheus endpoint /metrics (empty: none)");
ABSL_FLAG(std::string, log_level, "info", "lowest level logged: info, warning or error");

namespace {

// Every flag may also come from the environment (a systemd EnvironmentFile such as
// deploy/tokenclear.conf); a flag on the command line wins.
constexpr std::pair<const char*, const char*> kFlagEnvironment[] = {
    {"listen", "TOKENCLEAR_LISTEN"},
    {"pg_url", "TOKENCLEAR_PG_URL"},
    {"db_connections", "TOKENCLEAR_DB_CONNECTIONS"},
    {"max_batch_events", "TOKENCLEAR_MAX_BATCH_EVENTS"},
    {"max_message_mb", "TOKENCLEAR_MAX_MESSAGE_MB"},
    {"drain_seconds", "TOKENCLEAR_DRAIN_SECONDS"},
    {"health_grace_ms", "TOKENCLEAR_HEALTH_GRACE_MS"},
    {"tls_cert", "TOKENCLEAR_TLS_CERT"},
    {"tls_key", "TOKENCLEAR_TLS_KEY"},
    {"tls_client_ca", "TOKENCLEAR_TLS_CLIENT_CA"},
    {"plaintext", "TOKENCLEAR_PLAINTEXT"},
    {"bootstrap_admin_token", "TOKENCLEAR_ADMIN_TOKEN"},
    {"metrics_listen", "TOKENCLEAR_METRICS_LISTEN"},
    {"log_level", "TOKENCLEAR_LOG_LEVEL"},
};

// Sets each flag whose variable is set; a value the flag cannot take is an error naming
// the variable and the value.
absl::Status FlagsFromEnvironment() {
  for (const auto& [flag_name, variable] : kFlagEnvironment) {
    const char* value = std::getenv(variable);
    if (value == nullptr || *value == '\0') continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(flag_name);
    std::string error;
    if (flag == nullptr || !flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat(variable, "=\"", value, "\" is not a valid --", flag_name, ": ", error));
    }
  }
  return absl::OkStatus();
}

// The lifecycle lines, in the same JSON form as the access log.
void LogEvent(tc::services::LogLevel level, absl::string_view event, absl::string_view detail) {
  tc::services::JsonLog(level, tc::Clock::Real().Now())
      .Field("event", event)
      .Field("detail", detail)
      .Write();
}

}  // namespace

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
  absl::SetProgramUsageMessage(
      "tokenclear clearing-house gRPC server; every flag may also be set by its variable "
      "TOKENCLEAR_<FLAG> (deploy/tokenclear.conf lists them)");
  if (absl::Status env = FlagsFromEnvironment(); !env.ok()) {
    LogEvent(tc::services::LogLevel::kError, "config", env.message());
    return 2;
  }
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<tc::services::LogLevel> level =
      tc::services::ParseLogLevel(absl::GetFlag(FLAGS_log_level));
  if (!level.ok()) {
    LogEvent(tc::services::LogLevel::kError, "config", level.status().message());
    return 2;
  }
  tc::services::SetMinLogLevel(*level);
  if (absl::GetFlag(FLAGS_pg_url).empty()) {
    LogEvent(tc::services::LogLevel::kError, "config", "--pg_url or TOKENCLEAR_PG_URL is required");
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
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  absl::StatusOr<std::optional<tc::services::TlsOptions>> tls = TlsFromFlags();
  if (!tls.ok()) {
    LogEvent(tc::services::LogLevel::kError, "config", tls.status().ToString());
    return 2;
  }
  options.tls = *std::move(tls);
  absl::StatusOr<std::unique_ptr<tc::services::ClearingServer>> server =
      tc::services::ClearingServer::Start(options);
  if (!server.ok()) {
    LogEvent(tc::services::LogLevel::kError, "start_failed", server.status().ToString());
    return 1;
  }
  // Tests and scripts wait for this line: "serving on port N" (tests/private_cluster.h).
  tc::services::JsonLog(tc::services::LogLevel::kInfo, tc::Clock::Real().Now())
      .Field("event", "serving")
      .Field("detail", absl::StrCat("serving on port ", (*server)->port()))
      .Field("port", int64_t{(*server)->port()})
      .Field("metrics_port", int64_t{(*server)->metrics_port()})
      .Write();

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  LogEvent(tc::services::LogLevel::kInfo, "stopping",
           absl::StrCat("signal ", signal_number, ", draining for up to ",
                        absl::GetFlag(FLAGS_drain_seconds), " s"));
  (*server)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_drain_seconds)));
  LogEvent(tc::services::LogLevel::kInfo, "stopped", "stopped");
  return 0;
}
