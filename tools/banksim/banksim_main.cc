// banksim: a settlement-bank simulator. It reads the CCP's pain.008 (collects) and
// pain.001 (pays) files and writes the one camt.054 a bank would send back for them:
// one notification per CCP account, a CRDT entry per collect and a DBIT entry per pay,
// booked on --booking_date (tools/banksim/bank_booking.h). Switches make one member's
// movements go wrong: a failure to pay (left out), pending entries (PDNG), an amount a
// cent short. Files are read in file-name order and the creation time is a flag, never
// the wall clock, so the same inputs give byte-identical output. Pure: no network, no
// database.
//
//   banksim --in=out/pain --out=out/camt054-20261202.xml --message_id=BANK-20261202-1
//       --booking_date=2026-12-02 --created=2026-12-02T17:00:00Z
//       --fail_member_lei=MEMBERBETA0000000253
//   (one command line)
//
// Prints one line per file read (file, message, instructions, control sum) and the
// totals. Exit 0 when the camt.054 is written, 1 when a file cannot be read or is not a
// pain message (the error names the file), 2 on a bad flag.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "payments/camt054_writer.h"
#include "payments/pain_reader.h"
#include "payments/payment_instruction.h"
#include "tools/banksim/bank_booking.h"
#include "tools/toolkit/file.h"
#include "tools/toolkit/output.h"

ABSL_FLAG(std::string, in, "",
          "pain.001/pain.008 XML files, or directories whose *.xml files are read, "
          "comma-separated (required)");
ABSL_FLAG(std::string, out, "", "the camt.054 file to write (required)");
ABSL_FLAG(std::string, message_id, "",
          "MsgId of the camt.054: 1 to 35 of [A-Za-z0-9._:-] (required)");
ABSL_FLAG(std::string, booking_date, "",
          "booking and value date of every entry, YYYY-MM-DD (required)");
ABSL_FLAG(std::string, created, "",
          "CreDtTm of the camt.054, RFC 3339, e.g. 2026-12-02T17:00:00Z (required: never the "
          "wall clock, so the same inputs give the same bytes)");
ABSL_FLAG(std::string, fail_member_lei, "",
          "the bank cannot move this member's instructions: they are left out (a failure "
          "to pay)");
ABSL_FLAG(std::string, pending_member_lei, "", "this member's entries are PDNG (not final)");
ABSL_FLAG(std::string, shave_cents_member_lei, "",
          "this member's entries are booked one cent less than instructed (a break)");

namespace tc::tools {
namespace {

constexpr char kTool[] = "banksim";

struct Options {
  std::vector<std::string> inputs;
  std::string out;
  std::string message_id;
  absl::CivilDay booking_date;
  absl::Time created;
  BankBehaviour behaviour;
};

// The trouble switches with their flags, for the messages about them.
std::vector<std::pair<const char*, const std::string*>> TroubleSwitches(
    const BankBehaviour& behaviour) {
  return {{"--fail_member_lei", &behaviour.fail_member_lei},
          {"--pending_member_lei", &behaviour.pending_member_lei},
          {"--shave_cents_member_lei", &behaviour.shave_cents_member_lei}};
}

absl::StatusOr<Options> ParseOptions() {
  Options options;
  for (absl::string_view item :
       absl::StrSplit(absl::GetFlag(FLAGS_in), ',', absl::SkipWhitespace())) {
    options.inputs.emplace_back(item);
  }
  if (options.inputs.empty()) return absl::InvalidArgumentError("--in is required");
  options.out = absl::GetFlag(FLAGS_out);
  if (options.out.empty()) return absl::InvalidArgumentError("--out is required");
  options.message_id = absl::GetFlag(FLAGS_message_id);
  if (absl::Status valid = payments::ValidateIsoId("--message_id", options.message_id);
      !valid.ok()) {
    return valid;
  }
  absl::StatusOr<absl::CivilDay> day =
      ParseBusinessDate("--booking_date", absl::GetFlag(FLAGS_booking_date));
  if (!day.ok()) return day.status();
  options.booking_date = *day;
  const std::string created = absl::GetFlag(FLAGS_created);
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, created, &options.created, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--created '", created, "' is not an RFC 3339 time such as 2026-12-02T17:00:00Z"));
  }
  options.behaviour.fail_member_lei = absl::GetFlag(FLAGS_fail_member_lei);
  options.behaviour.pending_member_lei = absl::GetFlag(FLAGS_pending_member_lei);
  options.behaviour.shave_cents_member_lei = absl::GetFlag(FLAGS_shave_cents_member_lei);
  // A mistyped LEI would silently simulate nothing.
  for (const auto& [flag, lei] : TroubleSwitches(options.behaviour)) {
    if (lei->empty()) continue;
    if (absl::Status valid = payments::ValidateLei(flag, *lei); !valid.ok()) return valid;
  }
  return options;
}

// The files named and the *.xml files of the directories named, each once, in file-name
// order (then path), so the output depends neither on the order of the flag nor on that
// of the directory.
absl::StatusOr<std::vector<std::filesystem::path>> ListFiles(
    const std::vector<std::string>& inputs) {
  std::vector<std::filesystem::path> files;
  for (const std::string& input : inputs) {
    const std::filesystem::path path(input);
    std::error_code error;
    if (!std::filesystem::is_directory(path, error)) {
      files.push_back(path.lexically_normal());  // read below: a missing file is named there
      continue;
    }
    std::filesystem::directory_iterator it(path, error);
    for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
      std::error_code type_error;
      if (it->path().extension() == ".xml" && it->is_regular_file(type_error)) {
        files.push_back(it->path().lexically_normal());
      }
    }
    if (error) {
      return absl::NotFoundError(absl::StrCat(input, ": cannot list: ", error.message()));
    }
  }
  std::sort(files.begin(), files.end(),
            [](const std::filesystem::path& a, const std::filesystem::path& b) {
              return std::make_pair(a.filename(), a) < std::make_pair(b.filename(), b);
            });
  // A file named twice (itself and by its directory) is one file, read once.
  files.erase(std::unique(files.begin(), files.end()), files.end());
  if (files.empty()) {
    return absl::NotFoundError(
        absl::StrCat("--in '", absl::StrJoin(inputs, ","), "' holds no *.xml file"));
  }
  return files;
}

// "pain.008.001.08" of "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08".
absl::string_view MessageName(absl::string_view namespace_uri) {
  return namespace_uri.substr(namespace_uri.rfind(':') + 1);
}

bool NamesAnInstruction(const std::string& lei, const std::vector<payments::PainMessage>& all) {
  for (const payments::PainMessage& message : all) {
    for (const payments::PaymentInstruction& p : message.instructions) {
      if (p.member_lei == lei) return true;
    }
  }
  return false;
}

std::string FormatSums(const std::map<std::string, int64_t>& sum_cents_by_currency) {
  std::vector<std::string> parts;
  for (const auto& [currency, cents] : sum_cents_by_currency) {
    parts.push_back(absl::StrCat(FormatFixed(cents, payments::kCentsDigits), " ", currency));
  }
  return absl::StrJoin(parts, ", ");
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "tokenclear settlement-bank simulator: banksim --in=PAIN_FILES_OR_DIRS --out=CAMT054 "
      "--message_id=ID --booking_date=YYYY-MM-DD --created=RFC3339 [--fail_member_lei=LEI] "
      "[--pending_member_lei=LEI] [--shave_cents_member_lei=LEI]");
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<Options> options = ParseOptions();
  if (!options.ok()) {
    ReportError(kTool, options.status().message());
    return kExitUsage;
  }
  absl::StatusOr<std::vector<std::filesystem::path>> files = ListFiles(options->inputs);
  if (!files.ok()) return ReportError(kTool, files.status().message());

  std::vector<payments::PainMessage> messages;
  absl::flat_hash_map<std::string, std::string> file_of_message_id;
  std::map<std::string, int64_t> sum_cents_by_currency;
  int64_t instructions = 0;
  int64_t short_by_a_cent = 0;
  for (const std::filesystem::path& file : *files) {
    const std::string path = file.string();
    absl::StatusOr<std::string> contents = ReadFile(path);
    if (!contents.ok()) return ReportError(kTool, contents.status().message());
    absl::StatusOr<payments::PainMessage> message = payments::ReadPainMessage(*contents);
    if (!message.ok()) return ReportError(kTool, InFile(path, message.status()).message());
    // A bank refuses a message ID it has seen: the same file twice would move money twice.
    const auto [seen, first] = file_of_message_id.emplace(message->header.message_id, path);
    if (!first) {
      return ReportError(kTool, absl::StrCat(path, ": MsgId '", message->header.message_id,
                                             "' is also the MsgId of ", seen->second,
                                             ": a bank refuses a duplicate MsgId"));
    }
    const std::string& currency = message->instructions.front().currency;
    std::optional<int64_t> sum =
        CheckedAdd(sum_cents_by_currency[currency], message->control_sum_cents);
    if (!sum.has_value()) {
      return ReportError(kTool,
                         absl::StrCat(path, ": the control sums in ", currency, " overflow"));
    }
    sum_cents_by_currency[currency] = *sum;
    instructions += message->number_of_transactions;
    for (const payments::PaymentInstruction& p : message->instructions) {
      const BankBehaviour& b = options->behaviour;
      if (!b.shave_cents_member_lei.empty() && p.member_lei == b.shave_cents_member_lei &&
          p.member_lei != b.fail_member_lei) {
        ++short_by_a_cent;
      }
    }
    std::printf(
        "%s: %s: %s %s: %lld instructions, control sum %s %s\n", kTool, path.c_str(),
        std::string(MessageName(message->namespace_uri)).c_str(),
        message->header.message_id.c_str(), static_cast<long long>(message->number_of_transactions),
        FormatFixed(message->control_sum_cents, payments::kCentsDigits).c_str(), currency.c_str());
    messages.push_back(*std::move(message));
  }

  const BankBehaviour& behaviour = options->behaviour;
  for (const auto& [flag, lei] : TroubleSwitches(behaviour)) {
    if (!lei->empty() && !NamesAnInstruction(*lei, messages)) {
      std::fprintf(stderr, "%s: warning: %s %s names no instruction\n", kTool, flag, lei->c_str());
    }
  }

  absl::StatusOr<std::vector<payments::Camt054Notification>> notifications =
      BookInstructions(messages, behaviour, options->booking_date);
  if (!notifications.ok()) return ReportError(kTool, notifications.status().message());
  absl::StatusOr<std::string> camt =
      payments::WriteCamt054(options->message_id, options->created, *notifications);
  if (!camt.ok()) return ReportError(kTool, camt.status().message());
  if (absl::Status written = WriteFile(options->out, *camt); !written.ok()) {
    return ReportError(kTool, written.message());
  }

  int64_t entries = 0;
  int64_t pending = 0;
  for (const payments::Camt054Notification& n : *notifications) {
    for (const payments::Camt054Entry& e : n.entries) {
      ++entries;
      if (e.status == payments::EntryStatus::kPending) ++pending;
    }
  }
  std::printf(
      "%s: total: %zu files, %lld instructions, control sums %s; wrote %s (%s): %lld entries "
      "on %zu accounts, %lld pending, %lld left out, %lld a cent short\n",
      kTool, files->size(), static_cast<long long>(instructions),
      FormatSums(sum_cents_by_currency).c_str(), options->out.c_str(), options->message_id.c_str(),
      static_cast<long long>(entries), notifications->size(), static_cast<long long>(pending),
      static_cast<long long>(instructions - entries), static_cast<long long>(short_by_a_cent));
  return kExitOk;
}

}  // namespace
}  // namespace tc::tools

int main(int argc, char** argv) { return tc::tools::Main(argc, argv); }
