// The client side of the tokenclear API shared by the tools: the --target and --token
// flags (defaults from TOKENCLEAR_TARGET and TOKENCLEAR_TOKEN), TLS (--tls_ca, and
// --tls_cert/--tls_key for a client certificate; env TOKENCLEAR_TLS_CA, TOKENCLEAR_TLS_CERT,
// TOKENCLEAR_TLS_KEY; plaintext without --tls_ca), one channel, and the per-call context
// every request needs (bearer token, when there is one, and deadline).
//
//   ApiConnection api = ApiConnection::FromFlags();
//   auto stub = tokenclear::v1::ReferenceDataService::NewStub(api.channel());
//   tokenclear::v1::BusinessDate date;
//   absl::Status status = api.Call(*stub, &Stub::GetBusinessDate, {}, &date);
#ifndef TOKENCLEAR_TOOLS_API_CLIENT_H_
#define TOKENCLEAR_TOOLS_API_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace tc::tools {

// The gRPC status as an absl::Status (the codes are the same canonical set), so that it
// prints as "UNAVAILABLE: failed to connect ...".
absl::Status ToAbslStatus(const grpc::Status& status);

class ApiConnection {
 public:
  // Deadline of a unary call unless the caller gives one.
  static constexpr absl::Duration kDefaultTimeout = absl::Seconds(30);

  // TLS material, PEM text. The CA verifies the server; the certificate and key, when
  // set, are the client's (mutual TLS).
  struct Tls {
    std::string ca_pem;
    std::string certificate_pem;
    std::string private_key_pem;
  };

  // From the flags above; a TLS file that cannot be read ends the tool (status 2).
  static ApiConnection FromFlags();
  ApiConnection(std::string target, std::string token, std::optional<Tls> tls);

  const std::string& target() const { return target_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Adds "authorization: Bearer <token>" (unless the token is empty: a client certificate
  // alone) and a deadline `timeout` from now.
  void Prepare(grpc::ClientContext& context, absl::Duration timeout) const;

  // One unary call of `method` on `stub`, prepared as above.
  template <typename Stub, typename Request, typename Response>
  absl::Status Call(Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response,
                    absl::Duration timeout = kDefaultTimeout) const {
    grpc::ClientContext context;
    Prepare(context, timeout);
    return ToAbslStatus((stub.*method)(&context, request, response));
  }

 private:
  std::string target_;
  std::string token_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_API_CLIENT_H_
