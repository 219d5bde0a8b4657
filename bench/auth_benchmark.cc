// The cost authentication adds to every call (services/common/auth.h ResolveCaller), over a
// reference state holding N live tokens and N certificate identities, beside its floor:
// the SHA-256 of the token alone (the lookup itself is one hash-map probe).
//
//   build/bench/auth_benchmark --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "core/sha256.h"
#include "services/common/auth.h"

namespace tc::services {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'795'430'000);

ReferenceState StateWith(int principals) {
  ReferenceState state;
  for (int i = 0; i < principals; ++i) {
    const std::string id = absl::StrCat("cm-ops-", i);
    const clearing::Principal principal{id, clearing::Role::kMember, absl::StrCat("CM", i)};
    state.tokens_by_sha256.emplace(Sha256Hex(absl::StrCat("tct_token_of_", id)),
                                   store::TokenGrant{principal, kNow + absl::Hours(24)});
    state.principals_by_certificate.emplace(absl::StrCat("tokenclear:principal:", id),
                                            principal);
  }
  return state;
}

void BM_ResolveBearerToken(benchmark::State& bench) {
  const ReferenceState state = StateWith(static_cast<int>(bench.range(0)));
  PresentedCredentials presented;
  presented.authorization = "Bearer tct_token_of_cm-ops-7";
  for (auto _ : bench) {
    absl::StatusOr<clearing::Principal> caller = ResolveCaller(presented, state, kNow);
    benchmark::DoNotOptimize(caller);
  }
}
BENCHMARK(BM_ResolveBearerToken)->Arg(100)->Arg(10'000);

void BM_ResolveCertificate(benchmark::State& bench) {
  const ReferenceState state = StateWith(static_cast<int>(bench.range(0)));
  PresentedCredentials presented;
  presented.certificate_identities = {"tokenclear:principal:cm-ops-7", "cm-ops-7"};
  for (auto _ : bench) {
    absl::StatusOr<clearing::Principal> caller = ResolveCaller(presented, state, kNow);
    benchmark::DoNotOptimize(caller);
  }
}
BENCHMARK(BM_ResolveCertificate)->Arg(100)->Arg(10'000);

// The floor of the token path: hashing the token, nothing else.
void BM_Sha256OfToken(benchmark::State& bench) {
  const std::string token = "tct_token_of_cm-ops-7";
  for (auto _ : bench) benchmark::DoNotOptimize(Sha256Hex(token));
}
BENCHMARK(BM_Sha256OfToken);

}  // namespace
}  // namespace tc::services

BENCHMARK_MAIN();
