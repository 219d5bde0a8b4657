// Parameter-file reader throughput. Target: ReadPa2 of a synthetic 50 MB .pa2 (about 400
// commodities x 24 futures months, each with a future and 20 call/put strikes: B, 81 and
// 82 records) in < 2 s. Also ParseXml (libxml2, formats/xml_document.h) and ReadSpn/WriteSpn
// of the same parameters as a .spn, and a plain pass over the bytes (counting newlines) as
// the memory-bandwidth floor any reader must pay.
#include <algorithm>
#include <cstdint>
#include <string>

#include "benchmark/benchmark.h"
#include "core/check.h"
#include "formats/xml_document.h"
#include "margin/files/pa2_reader.h"
#include "margin/files/spn_reader.h"
#include "margin/files/spn_writer.h"
#include "margin/files/synthetic_files.h"

namespace tc::margin {
namespace {

constexpr int64_t kPa2Bytes = int64_t{50} << 20;
// The .spn of this much .pa2 (the XML is about 5x larger).
constexpr int64_t kPa2BytesForSpn = int64_t{10} << 20;

const std::string& Pa2File50Mb() {
  static const std::string* const file = new std::string(SyntheticPa2({.target_bytes = kPa2Bytes}));
  return *file;
}

const std::string& LargeSpn() {
  static const std::string* const file = [] {
    absl::StatusOr<Pa2File> pa2 = ReadPa2(SyntheticPa2({.target_bytes = kPa2BytesForSpn}));
    TC_CHECK(pa2.ok()) << pa2.status();
    return new std::string(WriteSpn(pa2->parameters));
  }();
  return *file;
}

void SetFileCounters(benchmark::State& state, const std::string& file) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(file.size()));
  state.counters["file_MB"] = static_cast<double>(file.size()) / (1 << 20);
  state.counters["lines"] = static_cast<double>(std::count(file.begin(), file.end(), '\n'));
}

// The floor: one pass over the bytes.
void BM_CountLines50Mb(benchmark::State& state) {
  const std::string& file = Pa2File50Mb();
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::count(file.begin(), file.end(), '\n'));
  }
  SetFileCounters(state, file);
}
BENCHMARK(BM_CountLines50Mb)->Unit(benchmark::kMillisecond);

void BM_ReadPa2_50Mb(benchmark::State& state) {
  const std::string& file = Pa2File50Mb();
  size_t contracts = 0;
  for (auto _ : state) {
    absl::StatusOr<Pa2File> read = ReadPa2(file);
    TC_CHECK(read.ok()) << read.status();
    contracts = read->parameters.contracts.size();
  }
  SetFileCounters(state, file);
  state.counters["contracts"] = static_cast<double>(contracts);
}
BENCHMARK(BM_ReadPa2_50Mb)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_ParseXmlLargeSpn(benchmark::State& state) {
  const std::string& file = LargeSpn();
  for (auto _ : state) {
    absl::StatusOr<formats::XmlElement> root = formats::ParseXml(file);
    TC_CHECK(root.ok()) << root.status();
  }
  SetFileCounters(state, file);
}
BENCHMARK(BM_ParseXmlLargeSpn)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_ReadSpnLarge(benchmark::State& state) {
  const std::string& file = LargeSpn();
  size_t contracts = 0;
  for (auto _ : state) {
    absl::StatusOr<SpnFile> read = ReadSpn(file);
    TC_CHECK(read.ok()) << read.status();
    contracts = read->parameters.contracts.size();
  }
  SetFileCounters(state, file);
  state.counters["contracts"] = static_cast<double>(contracts);
}
BENCHMARK(BM_ReadSpnLarge)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_WriteSpnLarge(benchmark::State& state) {
  absl::StatusOr<SpnFile> read = ReadSpn(LargeSpn());
  TC_CHECK(read.ok()) << read.status();
  for (auto _ : state) benchmark::DoNotOptimize(WriteSpn(read->parameters));
  SetFileCounters(state, LargeSpn());
}
BENCHMARK(BM_WriteSpnLarge)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace tc::margin

BENCHMARK_MAIN();
