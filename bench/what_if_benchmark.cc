// What-if margin in the server, network excluded: WhatIfMargin of a 50-position portfolio
// over loopback against a running tokenclear_server, next to a trivial call
// (GetBusinessDate, answered from memory) on the same channel. The difference is the
// server's what-if work: authentication, conversion, the warm parameter cache, the engine
// and the breakdown.
//
//   deploy/run.sh &    # a server with an approved parameter set for the open date
//   build/bench/what_if_benchmark --target=127.0.0.1:50051 --token=dev-treasury-token-0001
#include <cstdio>

#include "absl/flags/parse.h"
#include "benchmark/benchmark.h"
#include "tokenclear/v1/margin.grpc.pb.h"
#include "tokenclear/v1/reference_data.grpc.pb.h"
#include "tools/api_client.h"

namespace {

namespace pb = ::tokenclear::v1;

constexpr int kPositions = 50;

// 50 positions over the listed instruments (cycling), long and short alternating.
pb::WhatIfMarginRequest Portfolio(const tc::tools::ApiConnection& api) {
  auto reference = pb::ReferenceDataService::NewStub(api.channel());
  pb::ListInstrumentsResponse instruments;
  absl::Status status = api.Call(*reference, &pb::ReferenceDataService::Stub::ListInstruments,
                                 pb::ListInstrumentsRequest(), &instruments);
  if (!status.ok() || instruments.instruments_size() == 0) {
    std::fprintf(stderr, "what_if_benchmark: no instruments (%s)\n", status.ToString().c_str());
    std::exit(1);
  }
  pb::WhatIfMarginRequest request;
  request.set_account_class(pb::ACCOUNT_CLASS_SPECULATOR);
  for (int i = 0; i < kPositions; ++i) {
    pb::MarginPosition* position = request.add_positions();
    position->set_instrument_id(
        instruments.instruments(i % instruments.instruments_size()).instrument_id());
    position->set_quantity((i % 2 == 0 ? 1 : -1) * (1 + i % 7));
  }
  return request;
}

template <typename Stub, typename Request, typename Response>
void RunCalls(benchmark::State& state, const tc::tools::ApiConnection& api, Stub& stub,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              const Request& request) {
  for (auto _ : state) {
    Response response;
    absl::Status status = api.Call(stub, method, request, &response);
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(response);
  }
}

void BM_TrivialCall(benchmark::State& state) {
  static const tc::tools::ApiConnection api = tc::tools::ApiConnection::FromFlags();
  auto stub = pb::ReferenceDataService::NewStub(api.channel());
  RunCalls(state, api, *stub, &pb::ReferenceDataService::Stub::GetBusinessDate,
           pb::GetBusinessDateRequest());
}
BENCHMARK(BM_TrivialCall)->MinTime(2.0);

void BM_WhatIf50Positions(benchmark::State& state) {
  static const tc::tools::ApiConnection api = tc::tools::ApiConnection::FromFlags();
  static const pb::WhatIfMarginRequest request = Portfolio(api);
  auto stub = pb::MarginService::NewStub(api.channel());
  RunCalls(state, api, *stub, &pb::MarginService::Stub::WhatIfMargin, request);
}
BENCHMARK(BM_WhatIf50Positions)->MinTime(2.0);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  absl::ParseCommandLine(argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
