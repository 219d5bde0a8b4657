#include "core/sha256.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "core/check.h"

namespace tc {

// OpenSSL's libcrypto picks the fastest implementation for the machine (SHA extensions
// where the CPU has them); the one-shot call allocates nothing.
Sha256Digest Sha256(absl::string_view data) {
  Sha256Digest digest;
  static_assert(sizeof(digest) == SHA256_DIGEST_LENGTH);
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return digest;
}

std::string ToHex(const Sha256Digest& digest) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (uint8_t byte : digest) {
    hex.push_back(kHexDigits[byte >> 4]);
    hex.push_back(kHexDigits[byte & 0xf]);
  }
  return hex;
}

std::string Sha256Hex(absl::string_view data) { return ToHex(Sha256(data)); }

// The EVP interface: OpenSSL 3 deprecates the SHA256_Init family.
struct RecordDigest::State {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(context); }
};

RecordDigest::RecordDigest() : state_(std::make_unique<State>()) {
  TC_CHECK(state_->context != nullptr &&
           EVP_DigestInit_ex(state_->context, EVP_sha256(), nullptr) == 1)
      << "OpenSSL could not start a SHA-256 digest";
}

RecordDigest::~RecordDigest() = default;

RecordDigest& RecordDigest::Add(absl::string_view field) {
  Add(static_cast<int64_t>(field.size()));
  EVP_DigestUpdate(state_->context, field.data(), field.size());
  return *this;
}

RecordDigest& RecordDigest::Add(int64_t value) {
  unsigned char bytes[8];
  const uint64_t bits = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
  EVP_DigestUpdate(state_->context, bytes, sizeof(bytes));
  return *this;
}

Sha256Digest RecordDigest::Finish() {
  Sha256Digest digest;
  unsigned int length = 0;
  TC_CHECK(EVP_DigestFinal_ex(state_->context, digest.data(), &length) == 1 &&
           length == digest.size())
      << "OpenSSL could not finish a SHA-256 digest";
  return digest;
}

}  // namespace tc
