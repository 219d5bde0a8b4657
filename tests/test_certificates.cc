#include "tests/test_certificates.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace tc::testing {
namespace {

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TestCertificates::TestCertificates(const std::string& name,
                                   const std::vector<std::string>& principals)
    : dir_(std::filesystem::temp_directory_path() /
           absl::StrCat("tc-certs-", name, "-", ::getpid())) {
  std::filesystem::remove_all(dir_);
  std::string command = absl::StrCat("bash ", TC_CERTS_SCRIPT, " ", dir_.string());
  for (const std::string& p : principals) absl::StrAppend(&command, " ", p);
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

TestCertificates::~TestCertificates() { std::filesystem::remove_all(dir_); }

std::string TestCertificates::Ca() const { return ReadText(dir_ / "ca.pem"); }

services::TlsOptions TestCertificates::Server() const {
  return {ReadText(dir_ / "server.pem"), ReadText(dir_ / "server.key"), Ca()};
}

std::string TestCertificates::ClientCert(const std::string& principal) const {
  return ReadText(dir_ / "clients" / (principal + ".pem"));
}

std::string TestCertificates::ClientKey(const std::string& principal) const {
  return ReadText(dir_ / "clients" / (principal + ".key"));
}

std::shared_ptr<grpc::Channel> TestCertificates::Channel(const std::string& target,
                                                         const std::string& server_ca_pem,
                                                         const std::string& principal) const {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = server_ca_pem;
  if (!principal.empty()) {
    ssl.pem_cert_chain = ClientCert(principal);
    ssl.pem_private_key = ClientKey(principal);
  }
  return grpc::CreateChannel(target, grpc::SslCredentials(ssl));
}

}  // namespace tc::testing
