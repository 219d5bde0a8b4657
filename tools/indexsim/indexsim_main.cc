// indexsim: an index-provider simulator. For one business date it sends, for each index,
// a seeded, reproducible series of observations (tools/indexsim/index_series.h): one
// every 30 s from a few steps before the index's settlement window (read from the
// server's settings, so the series covers the configured window) to its end, through
// IndexService.SubmitIndexObservations. Observation IDs are "<index>-<YYYYMMDD>-<n>", so
// a rerun with the same seed is answered ALREADY_ACCEPTED and changes nothing.
//
//   indexsim --target=127.0.0.1:50051 --token=dev-index-provider-token-0001
//       --date=2026-11-23 --index=TOKFRONT=3.00,TOKOPEN=0.45 --seed=7 --drift_bps=25
//   (one command line)
//
// Exit 0 when every observation is accepted (now or before), 1 on an API error or a
// rejected observation, 2 on a bad flag.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "tokenclear/v1/index.grpc.pb.h"
#include "tools/api_client.h"
#include "tools/indexsim/index_series.h"
#include "tools/toolkit/money.h"

ABSL_FLAG(std::string, date, "", "the business date, YYYY-MM-DD (required)");
ABSL_FLAG(std::string, index, "",
          "CODE=BASE[,CODE=BASE...]: the indexes and their base values in USD per 1M tokens, "
          "e.g. TOKFRONT=3.00,TOKOPEN=0.45 (required)");
ABSL_FLAG(uint64_t, seed, 1, "the series' seed: the same seed and date give the same values");
ABSL_FLAG(int64_t, drift_bps, 0, "drift of each index over the series, basis points (+/-5000)");
ABSL_FLAG(int64_t, noise_bps, 10, "noise of each value around the drifted base, bps (0..500)");
ABSL_FLAG(int, before, 4, "observations before the settlement window opens (0..100)");
ABSL_FLAG(std::string, provider, "indexsim", "the provider named in each observation");
ABSL_FLAG(std::string, methodology_version, "v1", "the provider's methodology version");

namespace tc::tools {
namespace {

namespace pb = ::tokenclear::v1;
using IndexStub = pb::IndexService::Stub;

absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> ParseIndexes(const std::string& text) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::vector<absl::string_view> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (kv.size() != 2 || kv[0].empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--index: '", item, "' is not CODE=BASE"));
    }
    absl::StatusOr<int64_t> base = ParseFixed(kv[1], 6);
    if (!base.ok() || *base <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--index: base '", kv[1], "' is not a positive decimal (6 decimals)"));
    }
    out.emplace_back(std::string(kv[0]), *base);
  }
  if (out.empty()) return absl::InvalidArgumentError("--index is required");
  return out;
}

struct Outcome {
  int accepted = 0;
  int already = 0;
  int rejected = 0;
};

absl::StatusOr<Outcome> SendIndex(const ApiConnection& api, IndexStub& stub,
                                  const std::string& code, int64_t base, absl::CivilDay day) {
  pb::GetIndexSettingsRequest get;
  get.set_index_code(code);
  pb::IndexSettings settings;
  TC_RETURN_IF_ERROR(api.Call(stub, &IndexStub::GetIndexSettings, get, &settings));
  const absl::Time start =
      absl::FromCivil(day, absl::UTCTimeZone()) + absl::Minutes(settings.window_start_minutes());
  SeriesSpec spec;
  spec.index_code = code;
  spec.base_micros = base;
  spec.day = day;
  spec.window_start = start;
  spec.window_end = start + absl::Minutes(settings.window_minutes());
  spec.seed = absl::GetFlag(FLAGS_seed);
  spec.drift_bps = absl::GetFlag(FLAGS_drift_bps);
  spec.noise_bps = absl::GetFlag(FLAGS_noise_bps);
  spec.before = absl::GetFlag(FLAGS_before);
  const std::vector<SeriesPoint> points = MakeIndexSeries(spec);

  pb::SubmitIndexObservationsRequest request;
  for (const SeriesPoint& p : points) {
    pb::IndexObservation* o = request.add_observations();
    o->set_observation_id(p.observation_id);
    o->set_index_code(code);
    o->set_value_micros(p.value_micros);
    o->mutable_observed_at()->set_seconds(absl::ToUnixSeconds(p.observed_at));
    o->set_provider(absl::GetFlag(FLAGS_provider));
    o->set_methodology_version(absl::GetFlag(FLAGS_methodology_version));
  }
  pb::SubmitIndexObservationsResponse response;
  TC_RETURN_IF_ERROR(api.Call(stub, &IndexStub::SubmitIndexObservations, request, &response));
  Outcome outcome;
  for (const pb::ObservationResult& r : response.results()) {
    switch (r.outcome()) {
      case pb::OBSERVATION_OUTCOME_ACCEPTED:
        ++outcome.accepted;
        break;
      case pb::OBSERVATION_OUTCOME_ALREADY_ACCEPTED:
        ++outcome.already;
        break;
      default:
        ++outcome.rejected;
        std::fprintf(stderr, "indexsim: %s: %s\n", r.observation_id().c_str(), r.message().c_str());
    }
    if (r.flag_id() != 0) {
      std::printf("indexsim: %s raised flag %lld\n", r.observation_id().c_str(),
                  static_cast<long long>(r.flag_id()));
    }
  }
  std::printf(
      "indexsim: %s %s: %zu observations %s..%s, last %s: %d accepted, %d already "
      "accepted, %d rejected\n",
      code.c_str(), FormatBusinessDate(day).c_str(), points.size(),
      absl::FormatTime("%H:%M:%S", points.front().observed_at, absl::UTCTimeZone()).c_str(),
      absl::FormatTime("%H:%M:%SZ", points.back().observed_at, absl::UTCTimeZone()).c_str(),
      FormatUsdMicros(points.back().value_micros).c_str(), outcome.accepted, outcome.already,
      outcome.rejected);
  return outcome;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "tokenclear index-provider simulator: indexsim --token=INDEX_PROVIDER_TOKEN "
      "--date=YYYY-MM-DD --index=CODE=BASE[,...] [--seed=N] [--drift_bps=N]");
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<absl::CivilDay> day = ParseBusinessDate("--date", absl::GetFlag(FLAGS_date));
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> indexes =
      ParseIndexes(absl::GetFlag(FLAGS_index));
  if (!day.ok() || !indexes.ok()) {
    std::fprintf(stderr, "indexsim: %s\n",
                 (!day.ok() ? day.status() : indexes.status()).ToString().c_str());
    return 2;
  }
  const ApiConnection api = ApiConnection::FromFlags();
  auto stub = pb::IndexService::NewStub(api.channel());
  int rejected = 0;
  for (const auto& [code, base] : *indexes) {
    absl::StatusOr<Outcome> outcome = SendIndex(api, *stub, code, base, *day);
    if (!outcome.ok()) {
      std::fprintf(stderr, "indexsim: %s: %s\n", code.c_str(), outcome.status().ToString().c_str());
      return 1;
    }
    rejected += outcome->rejected;
  }
  return rejected > 0 ? 1 : 0;
}

}  // namespace
}  // namespace tc::tools

int main(int argc, char** argv) { return tc::tools::Main(argc, argv); }
