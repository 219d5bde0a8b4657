#include "tools/api_client.h"

#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tools/toolkit/env.h"
#include "tools/toolkit/file.h"

ABSL_FLAG(std::string, target, tc::tools::EnvOr("TOKENCLEAR_TARGET", "127.0.0.1:50051"),
          "tokenclear server address:port (env TOKENCLEAR_TARGET)");
ABSL_FLAG(std::string, token, tc::tools::EnvOr("TOKENCLEAR_TOKEN", ""),
          "API bearer token of the calling principal (env TOKENCLEAR_TOKEN)");
ABSL_FLAG(std::string, tls_ca, tc::tools::EnvOr("TOKENCLEAR_TLS_CA", ""),
          "PEM file of the CA that signed the server's certificate; TLS when set "
          "(env TOKENCLEAR_TLS_CA)");
ABSL_FLAG(std::string, tls_cert, tc::tools::EnvOr("TOKENCLEAR_TLS_CERT", ""),
          "PEM file of this client's certificate, for mutual TLS (env TOKENCLEAR_TLS_CERT)");
ABSL_FLAG(std::string, tls_key, tc::tools::EnvOr("TOKENCLEAR_TLS_KEY", ""),
          "PEM file of this client's private key (env TOKENCLEAR_TLS_KEY)");

namespace tc::tools {
namespace {

constexpr int kMaxMessageBytes = 64 << 20;

// The file's text, or the tool ends saying which file (a tool cannot call without it).
std::string PemOrExit(const std::string& path) {
  if (path.empty()) return "";
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    std::fprintf(stderr, "error: %s\n", text.status().ToString().c_str());
    std::exit(2);
  }
  return *std::move(text);
}

}  // namespace

ApiConnection ApiConnection::FromFlags() {
  std::optional<Tls> tls;
  if (!absl::GetFlag(FLAGS_tls_ca).empty()) {
    tls = Tls{PemOrExit(absl::GetFlag(FLAGS_tls_ca)), PemOrExit(absl::GetFlag(FLAGS_tls_cert)),
              PemOrExit(absl::GetFlag(FLAGS_tls_key))};
  }
  return ApiConnection(absl::GetFlag(FLAGS_target), absl::GetFlag(FLAGS_token), std::move(tls));
}

ApiConnection::ApiConnection(std::string target, std::string token, std::optional<Tls> tls)
    : target_(std::move(target)), token_(std::move(token)) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxMessageBytes);
  arguments.SetMaxSendMessageSize(kMaxMessageBytes);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (tls.has_value()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls->ca_pem;
    ssl.pem_cert_chain = tls->certificate_pem;
    ssl.pem_private_key = tls->private_key_pem;
    credentials = grpc::SslCredentials(ssl);
  }
  channel_ = grpc::CreateCustomChannel(target_, credentials, arguments);
}

void ApiConnection::Prepare(grpc::ClientContext& context, absl::Duration timeout) const {
  if (!token_.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

absl::Status ToAbslStatus(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace tc::tools
