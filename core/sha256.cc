#include "core/sha256.h"

#include <openssl/sha.h>

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

}  // namespace tc
