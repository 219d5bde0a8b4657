// Loading a seed file (tokenclear.v1.SeedFile in protobuf text format) and choosing the
// first business date to open from it. No network: clearctl sends what this returns.
//
//   absl::StatusOr<tokenclear::v1::SeedFile> seed = LoadSeedFile("deploy/seed/sample.textproto");
//   absl::StatusOr<absl::CivilDay> first = FirstBusinessDate(*seed, "", absl::CivilDay(2026, 11,
//   23));
#ifndef TOKENCLEAR_TOOLS_SEED_FILE_H_
#define TOKENCLEAR_TOOLS_SEED_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "tokenclear/v1/seed.pb.h"

namespace tc::tools {

// Reads and parses `path`; the error names the file, line and column of a syntax error.
absl::StatusOr<tokenclear::v1::SeedFile> LoadSeedFile(const std::string& path);

// The date to open first: `requested` when set, else the seed's first_business_date,
// else `today` when it is a business day (weekends and the seed's holidays are not),
// else the next business day after it. INVALID_ARGUMENT on a malformed date.
absl::StatusOr<absl::CivilDay> FirstBusinessDate(const tokenclear::v1::SeedFile& seed,
                                                 absl::string_view requested, absl::CivilDay today);

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_SEED_FILE_H_
