#include "tools/indexsim/index_series.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/fixed_point.h"
#include "core/price_limits.h"

namespace tc::tools {
namespace {

// splitmix64: tiny, well mixed, and the same on every platform (std:: distributions are
// not), so a seed names one series everywhere.
uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// FNV-1a of the text, to derive one stream per (seed, date, index).
uint64_t Fnv1a(absl::string_view text) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001B3ULL;
  return h;
}

constexpr int64_t kBps = 10'000;
constexpr int kMaxPoints = 24 * 60 * 60 + 100;

}  // namespace

std::vector<SeriesPoint> MakeIndexSeries(const SeriesSpec& spec) {
  std::vector<SeriesPoint> points;
  if (spec.base_micros <= 0 || spec.step <= absl::ZeroDuration() ||
      spec.window_end <= spec.window_start) {
    return points;
  }
  const int before = std::clamp(spec.before, 0, 100);
  const int64_t drift_bps = std::clamp<int64_t>(spec.drift_bps, -5000, 5000);
  const int64_t noise_bps = std::clamp<int64_t>(spec.noise_bps, 0, 500);
  const absl::Time first = spec.window_start - before * spec.step;
  int count = 0;
  for (absl::Time t = first; t < spec.window_end && count < kMaxPoints; t += spec.step) ++count;
  const std::string date = absl::FormatCivilTime(spec.day);
  uint64_t state = spec.seed ^ Fnv1a(absl::StrCat(date, "/", spec.index_code)) ^ 0x5DEECE66DULL;
  const std::string compact_date =
      absl::StrFormat("%04d%02d%02d", spec.day.year(), spec.day.month(), spec.day.day());
  for (int n = 0; n < count; ++n) {
    // Drift reaches drift_bps at the last point; noise is uniform in [-noise, +noise] bps.
    const __int128 drift = count > 1 ? static_cast<__int128>(drift_bps) * n : 0;
    const int64_t noise =
        static_cast<int64_t>(SplitMix64(state) % static_cast<uint64_t>(2 * noise_bps + 1)) -
        noise_bps;
    // value = base x (1 + drift_bps x n / ((count - 1) x 10^4) + noise / 10^4), exactly.
    const __int128 denominator = static_cast<__int128>(std::max(count - 1, 1)) * kBps;
    const __int128 numerator = static_cast<__int128>(spec.base_micros) *
                               (denominator + drift + noise * (count > 1 ? count - 1 : 1));
    const int64_t value =
        std::clamp<int64_t>(RoundedDiv(numerator, denominator), kMinPriceMicros, kMaxPriceMicros);
    points.push_back({absl::StrFormat("%s-%s-%03d", spec.index_code, compact_date, n),
                      first + n * spec.step, value});
  }
  return points;
}

}  // namespace tc::tools
