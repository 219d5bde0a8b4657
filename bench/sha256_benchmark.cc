// SHA-256 of idempotency payloads (a canonical trade event is about 200 bytes) and of a
// large buffer: the per-event hashing cost of ingestion. Compare a run before and after a
// change of implementation (figures in docs/PERFORMANCE.md).
//
//   build/bench/sha256_benchmark --benchmark_min_time=1
#include <string>

#include "benchmark/benchmark.h"
#include "core/sha256.h"

namespace {

void BM_Sha256(benchmark::State& state) {
  const std::string payload(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(tc::Sha256(payload));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(200)->Arg(1 << 20);

}  // namespace

BENCHMARK_MAIN();
