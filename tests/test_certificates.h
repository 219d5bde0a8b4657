// Certificates for tests of TLS and mutual TLS: a fresh folder made by deploy/certs.sh (the
// script the run command uses) with a CA, the server's certificate for 127.0.0.1 and a
// client certificate per principal named; the folder is removed with the object.
//
//   TestCertificates certs("main", {"cm01-ops"});
//   options.tls = certs.Server();                       // the server trusts certs.Ca()
//   auto channel = certs.Channel(target, "cm01-ops");   // mTLS as cm01-ops
#ifndef TOKENCLEAR_TESTS_TEST_CERTIFICATES_H_
#define TOKENCLEAR_TESTS_TEST_CERTIFICATES_H_

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "services/server/clearing_server.h"

namespace tc::testing {

class TestCertificates {
 public:
  TestCertificates(const std::string& name, const std::vector<std::string>& principals);
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  std::string Ca() const;
  // The server's certificate and key, and this CA as the client CA.
  services::TlsOptions Server() const;
  std::string ClientCert(const std::string& principal) const;
  std::string ClientKey(const std::string& principal) const;

  // A TLS channel to `target` trusting `server_ca_pem`, presenting the client certificate
  // of `principal` of this CA (none when empty).
  std::shared_ptr<grpc::Channel> Channel(const std::string& target,
                                         const std::string& server_ca_pem,
                                         const std::string& principal = "") const;

 private:
  std::filesystem::path dir_;
};

}  // namespace tc::testing

#endif  // TOKENCLEAR_TESTS_TEST_CERTIFICATES_H_
