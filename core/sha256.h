// SHA-256 (FIPS 180-4), used for idempotency payload hashes, migration checksums and
// API token digests, computed by OpenSSL's libcrypto (Debian's, well kept and faster than
// anything hand-written: it uses the CPU's SHA extensions). No transport or storage code,
// so the domain can hash canonical payloads.
//
//   std::array<uint8_t, 32> digest = Sha256("abc");
//   std::string hex = Sha256Hex("abc");  // "ba7816bf..."
//
// RecordDigest hashes a sequence of records without building them in memory (an
// end-of-day step digests a million rows): each field is length-prefixed, so ("ab", "c")
// and ("a", "bc") differ.
//
//   RecordDigest digest;
//   digest.Add("TKF-202612").Add(int64_t{3'125'000});
//   Sha256Digest d = digest.Finish();
#ifndef TOKENCLEAR_CORE_SHA256_H_
#define TOKENCLEAR_CORE_SHA256_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"

namespace tc {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(absl::string_view data);
std::string Sha256Hex(absl::string_view data);
std::string ToHex(const Sha256Digest& digest);

class RecordDigest {
 public:
  RecordDigest();
  ~RecordDigest();
  RecordDigest(const RecordDigest&) = delete;
  RecordDigest& operator=(const RecordDigest&) = delete;

  RecordDigest& Add(absl::string_view field);
  RecordDigest& Add(int64_t value);  // 8 bytes, big-endian
  // The digest of everything added; the object must not be used afterwards.
  Sha256Digest Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tc

#endif  // TOKENCLEAR_CORE_SHA256_H_
