#include "services/server/clearing_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <prometheus/exposer.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/sha256.h"
#include "services/access/access_service.h"
#include "services/access/audit_service.h"
#include "services/cash/cash_service.h"
#include "services/common/auth.h"
#include "services/common/inflight_calls.h"
#include "services/common/metrics.h"
#include "services/common/readiness.h"
#include "services/common/reference_cache.h"
#include "services/common/rpc.h"
#include "services/index/index_service.h"
#include "services/ledger/ledger_service.h"
#include "services/margin/margin_service.h"
#include "services/member/member_service.h"
#include "services/positions/position_service.h"
#include "services/reference_data/reference_data_service.h"
#include "services/regulator/regulator_service.h"
#include "services/trade_capture/trade_capture_service.h"
#include "services/treasury/treasury_service.h"
#include "store/access_store.h"
#include "store/migrations.h"
#include "store/ops_store.h"
#include "store/pg_pool.h"
#include "store/reference_store.h"

namespace tc::services {
namespace {

constexpr const char* kServiceNames[] = {
    "tokenclear.v1.TradeCaptureService", "tokenclear.v1.ReferenceDataService",
    "tokenclear.v1.PositionService",     "tokenclear.v1.MarginService",
    "tokenclear.v1.IndexService",        "tokenclear.v1.LedgerService",
    "tokenclear.v1.TreasuryService",     "tokenclear.v1.CashService",
    "tokenclear.v1.AccessService",       "tokenclear.v1.AuditService",
    "tokenclear.v1.MemberService",       "tokenclear.v1.RegulatorService"};

// A scrape must not hang on a database that does not answer.
constexpr absl::Duration kScrapeQueryTime = absl::Seconds(1);

absl::Status EnsureBootstrapAdmin(store::PgPool& pool, const Clock& clock,
                                  const std::string& token) {
  constexpr absl::Duration kBootstrapTokenTtl = absl::Hours(24 * 365);
  return pool.Transact({.deadline = clock.Now() + absl::Seconds(10)}, [&](pqxx::work& tx) {
    store::UpsertPrincipal(tx, {"bootstrap-admin", store::Role::kAdmin, ""});
    return store::EnsureSeedToken(tx, "bootstrap-admin", Sha256(token), "bootstrap-admin",
                                  clock.Now(), kBootstrapTokenTtl)
        .status();
  });
}

// "127.0.0.1:50051", "localhost:0", "[::1]:50051": plaintext may listen only there.
bool IsLoopback(absl::string_view listen_address) {
  const size_t colon = listen_address.rfind(':');
  const absl::string_view host = listen_address.substr(0, colon);
  return host == "localhost" || host == "[::1]" || absl::StartsWith(host, "127.");
}

// TLS, with client certificates verified against the client CA when one is given (a
// client may still call with a bearer token and no certificate); plaintext only on
// loopback and only when asked for.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ListeningCredentials(
    const ServerOptions& options) {
  if (options.tls.has_value()) {
    grpc::SslServerCredentialsOptions ssl(options.tls->client_ca_pem.empty()
                                              ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                              : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_root_certs = options.tls->client_ca_pem;
    ssl.pem_key_cert_pairs.push_back(
        {options.tls->private_key_pem, options.tls->certificate_chain_pem});
    return grpc::SslServerCredentials(ssl);
  }
  if (!options.allow_plaintext) {
    return absl::InvalidArgumentError(
        "no TLS certificate and key given; plaintext must be asked for (--plaintext)");
  }
  if (!IsLoopback(options.listen_address)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "plaintext is allowed on a loopback address only, not on ", options.listen_address));
  }
  return grpc::InsecureServerCredentials();
}

}  // namespace

struct ClearingServer::Parts {
  // First in, last out: every part below may count into it.
  Metrics metrics;
  InflightCalls inflight;
  std::unique_ptr<store::PgPool> pool;
  std::unique_ptr<ReferenceCache> cache;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<Rpc> rpc;
  std::unique_ptr<TradeIngestor> ingestor;
  std::unique_ptr<TradeCaptureServiceImpl> trade_capture;
  std::unique_ptr<ReferenceDataServiceImpl> reference_data;
  std::unique_ptr<PositionServiceImpl> positions;
  std::unique_ptr<MarginServiceImpl> margin;
  std::unique_ptr<LedgerServiceImpl> ledger;
  std::unique_ptr<IndexServiceImpl> index;
  std::unique_ptr<TreasuryServiceImpl> treasury;
  std::unique_ptr<CashServiceImpl> cash;
  std::unique_ptr<RegulatorServiceImpl> regulator;
  std::unique_ptr<AccessServiceImpl> access;
  std::unique_ptr<AuditServiceImpl> audit;
  std::unique_ptr<MemberServiceImpl> member;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<Readiness> readiness;
  // Last in, first out: scrapes read the pool, which must outlive it.
  std::unique_ptr<prometheus::Exposer> exposer;
};

namespace {

// The gauges read at scrape time: the pool, the open flags, the process's memory.
void AddScrapeHooks(Metrics& metrics, store::PgPool& pool, const Clock& clock) {
  metrics.AddScrapeHook([&metrics, &pool] { metrics.SetPool(pool.GetStats()); });
  metrics.AddScrapeHook([&metrics, &pool, &clock] {
    store::OpenFlags flags;
    const absl::Status read = pool.Transact(
        {.deadline = clock.Now() + kScrapeQueryTime, .max_attempts = 1}, [&](pqxx::work& tx) {
          flags = store::CountOpenFlags(tx);
          return absl::OkStatus();
        });
    metrics.SetOpenFlags(read.ok() ? &flags : nullptr);
  });
  metrics.AddScrapeHook([&metrics] { metrics.SetResidentMemory(ResidentMemoryBytes()); });
}

// prometheus-cpp's Exposer (civetweb) throws when it cannot listen.
absl::StatusOr<std::unique_ptr<prometheus::Exposer>> StartExposer(const std::string& listen,
                                                                  Metrics& metrics) {
  try {
    // civetweb wants "host:port"; one thread is plenty for a scrape every few seconds.
    auto exposer = std::make_unique<prometheus::Exposer>(listen, 1);
    exposer->RegisterCollectable(metrics.collectable());
    return exposer;
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
}

}  // namespace

ClearingServer::ClearingServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

ClearingServer::~ClearingServer() { Shutdown(absl::ZeroDuration()); }

absl::StatusOr<std::unique_ptr<ClearingServer>> ClearingServer::Start(
    const ServerOptions& options) {
  const Clock& clock = *options.clock;
  absl::StatusOr<int> applied = store::ApplyMigrations(options.pg_url, store::EmbeddedMigrations());
  if (!applied.ok()) return applied.status();
  auto parts = std::make_unique<Parts>();
  absl::StatusOr<std::unique_ptr<store::PgPool>> pool =
      store::PgPool::Create(options.pg_url, options.db_connections, clock);
  if (!pool.ok()) return pool.status();
  parts->pool = std::move(*pool);
  if (!options.bootstrap_admin_token.empty()) {
    if (absl::Status s = EnsureBootstrapAdmin(*parts->pool, clock, options.bootstrap_admin_token);
        !s.ok()) {
      return s;
    }
  }
  parts->cache = std::make_unique<ReferenceCache>(*parts->pool, clock);
  parts->auth = std::make_unique<Authenticator>(*parts->cache, clock);
  parts->rpc = std::make_unique<Rpc>(*parts->auth, *parts->pool, clock, parts->metrics);
  parts->ingestor =
      std::make_unique<TradeIngestor>(*parts->pool, *parts->cache, options.ingest_limits);
  parts->trade_capture =
      std::make_unique<TradeCaptureServiceImpl>(*parts->rpc, *parts->ingestor, clock);
  parts->reference_data =
      std::make_unique<ReferenceDataServiceImpl>(*parts->pool, *parts->cache, *parts->rpc);
  parts->positions =
      std::make_unique<PositionServiceImpl>(*parts->pool, *parts->cache, *parts->rpc);
  parts->margin =
      std::make_unique<MarginServiceImpl>(*parts->pool, *parts->cache, *parts->rpc, clock);
  parts->ledger = std::make_unique<LedgerServiceImpl>(*parts->pool, *parts->cache, *parts->rpc);
  parts->index =
      std::make_unique<IndexServiceImpl>(*parts->pool, *parts->cache, *parts->rpc, clock);
  parts->treasury =
      std::make_unique<TreasuryServiceImpl>(*parts->pool, *parts->cache, *parts->rpc, clock);
  parts->cash = std::make_unique<CashServiceImpl>(*parts->pool, *parts->cache, *parts->rpc, clock);
  parts->regulator = std::make_unique<RegulatorServiceImpl>(*parts->pool, *parts->rpc);
  parts->member = std::make_unique<MemberServiceImpl>(*parts->pool, *parts->cache, *parts->rpc,
                                                      clock, *parts->cash);

  parts->access = std::make_unique<AccessServiceImpl>(*parts->pool, *parts->cache, *parts->rpc);
  parts->audit = std::make_unique<AuditServiceImpl>(*parts->pool, *parts->rpc);
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      ListeningCredentials(options);
  if (!credentials.ok()) return credentials.status();
  // Before the gRPC server starts, so a port already taken fails the start cleanly.
  int metrics_port = 0;
  if (!options.metrics_listen.empty()) {
    AddScrapeHooks(parts->metrics, *parts->pool, clock);
    absl::StatusOr<std::unique_ptr<prometheus::Exposer>> exposer =
        StartExposer(options.metrics_listen, parts->metrics);
    if (!exposer.ok()) return exposer.status();
    parts->exposer = *std::move(exposer);
    metrics_port = parts->exposer->GetListeningPorts().at(0);
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen_address, *credentials, &port);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  // The sync server runs a thread per active call; each call holds at most one database
  // connection at a time, so threads beyond a few times the pool only queue.
  grpc::ResourceQuota quota("tokenclear");
  quota.SetMaxThreads(std::max(16, options.db_connections * 4));
  builder.SetResourceQuota(quota);
  builder.experimental().SetInterceptorCreators(parts->inflight.InterceptorFactories());
  builder.RegisterService(parts->trade_capture.get());
  builder.RegisterService(parts->reference_data.get());
  builder.RegisterService(parts->positions.get());
  builder.RegisterService(parts->margin.get());
  builder.RegisterService(parts->ledger.get());
  builder.RegisterService(parts->index.get());
  builder.RegisterService(parts->treasury.get());
  builder.RegisterService(parts->cash.get());
  builder.RegisterService(parts->regulator.get());
  builder.RegisterService(parts->access.get());
  builder.RegisterService(parts->audit.get());
  builder.RegisterService(parts->member.get());
  parts->server = builder.BuildAndStart();
  if (parts->server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen_address));
  }
  parts->readiness = std::make_unique<Readiness>(
      *parts->pool, clock, parts->server->GetHealthCheckService(),
      std::vector<std::string>(std::begin(kServiceNames), std::end(kServiceNames)));
  parts->readiness->Start(options.readiness_interval);
  std::unique_ptr<ClearingServer> server(new ClearingServer(std::move(parts)));
  server->port_ = port;
  server->metrics_port_ = metrics_port;
  server->health_grace_ = options.health_grace;
  return server;
}

void ClearingServer::Shutdown(absl::Duration drain) {
  if (stopped_) return;
  stopped_ = true;
  // NOT_SERVING first, so that health-checking clients stop sending new work.
  grpc::HealthCheckServiceInterface* health = parts_->server->GetHealthCheckService();
  parts_->readiness->Stop();  // NOT_SERVING from now on
  parts_->trade_capture->BeginShutdown();
  parts_->member->BeginShutdown();
  if (drain > absl::ZeroDuration()) absl::SleepFor(health_grace_);
  // Our own count of the work under way; then refuse new calls and cancel what is left.
  // (The drain is elapsed real time on the wall clock, whatever clock the server uses.)
  parts_->inflight.WaitUntilIdle(absl::Now() + drain);
  health->Shutdown();
  parts_->server->Shutdown(absl::ToChronoTime(absl::Now()));
  parts_->server->Wait();
}

void ClearingServer::Wait() { parts_->server->Wait(); }

}  // namespace tc::services
