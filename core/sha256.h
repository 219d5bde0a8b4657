// SHA-256 (FIPS 180-4), used for idempotency payload hashes, migration checksums and
// API token digests, computed by OpenSSL's libcrypto (Debian's, well kept and faster than
// anything hand-written: it uses the CPU's SHA extensions). No transport or storage code,
// so the domain can hash canonical payloads.
//
//   std::array<uint8_t, 32> digest = Sha256("abc");
//   std::string hex = Sha256Hex("abc");  // "ba7816bf..."
#ifndef TOKENCLEAR_CORE_SHA256_H_
#define TOKENCLEAR_CORE_SHA256_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace tc {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(absl::string_view data);
std::string Sha256Hex(absl::string_view data);
std::string ToHex(const Sha256Digest& digest);

}  // namespace tc

#endif  // TOKENCLEAR_CORE_SHA256_H_
