#include "tools/seed_file.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/status_macros.h"
#include "tools/toolkit/file.h"

namespace tc::tools {
namespace {

namespace pb = ::tokenclear::v1;

// Keeps the first parse error, with its position, instead of logging it.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (message_.empty()) message_ = absl::StrCat(line + 1, ":", column + 1, ": ", message);
  }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

}  // namespace

absl::StatusOr<pb::SeedFile> LoadSeedFile(const std::string& path) {
  TC_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  pb::SeedFile seed;
  if (!parser.ParseFromString(text, &seed)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ":", errors.message()));
  }
  return seed;
}

absl::StatusOr<absl::CivilDay> FirstBusinessDate(const pb::SeedFile& seed,
                                                 absl::string_view requested,
                                                 absl::CivilDay today) {
  if (!requested.empty()) return ParseBusinessDate("business_date", requested);
  if (!seed.first_business_date().empty()) {
    return ParseBusinessDate("first_business_date", seed.first_business_date());
  }
  absl::flat_hash_set<std::string> holidays;
  for (const pb::Holiday& holiday : seed.holidays()) holidays.insert(holiday.date());
  absl::CivilDay day = today;
  while (IsWeekend(day) || holidays.contains(FormatBusinessDate(day))) ++day;
  return day;
}

}  // namespace tc::tools
