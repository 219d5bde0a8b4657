#include "payments/camt054_reader.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/fixed_point.h"
#include "core/identifiers.h"
#include "formats/xml_schema.h"
#include "payments/iso20022_schemas.h"
#include "payments/payment_instruction.h"

namespace tc::payments {
namespace {

// A confirmation file names at most a day's movements of one account; listing more bad
// entries than this in one message helps nobody and lets a hostile file bloat the error.
constexpr size_t kMaxProblemsListed = 50;

// Element names without a namespace prefix ("ns:Ntry" -> "Ntry"): the schema has already
// checked that every element is in the camt.054.001.08 namespace, whichever prefix the
// bank chose.
absl::string_view LocalName(absl::string_view name) {
  const size_t colon = name.find(':');
  return colon == absl::string_view::npos ? name : name.substr(colon + 1);
}

const formats::XmlElement* Child(const formats::XmlElement* parent, absl::string_view name) {
  if (parent == nullptr) return nullptr;
  for (const formats::XmlElement& child : parent->children) {
    if (LocalName(child.name) == name) return &child;
  }
  return nullptr;
}

// The text of the element at `path` below `parent`, or nullopt when one is absent.
std::optional<std::string> TextAt(const formats::XmlElement* parent,
                                  std::initializer_list<absl::string_view> path) {
  const formats::XmlElement* at = parent;
  for (absl::string_view name : path) at = Child(at, name);
  if (at == nullptr) return std::nullopt;
  return std::string(at->TrimmedText());
}

std::string Quoted(absl::string_view value) {
  return absl::StrCat("'", ShortenForMessage(value), "'");
}

// Amounts are positive decimals with at most 2 decimals: direction is CdtDbtInd, and
// every currency we settle has two minor digits, so a third decimal is never rounded.
void ReadAmount(const formats::XmlElement& amt, BankNotification& out,
                std::vector<std::string>& problems) {
  const absl::string_view text = amt.TrimmedText();
  const size_t point = text.find('.');
  if (!text.empty() && text[0] == '-') {
    problems.push_back(
        absl::StrCat("Amt ", Quoted(text), " is negative (CdtDbtInd gives the direction)"));
  } else if (point != absl::string_view::npos && text.size() - point - 1 > kCentsDigits) {
    problems.push_back(
        absl::StrCat("Amt ", Quoted(text), " has more than ", kCentsDigits, " decimals"));
  } else {
    absl::StatusOr<int64_t> cents = ParseFixed(text, kCentsDigits);
    if (!cents.ok()) {
      problems.push_back(absl::StrCat("Amt ", Quoted(text), " is not a decimal amount"));
    } else if (*cents <= 0) {
      problems.push_back(absl::StrCat("Amt ", Quoted(text), " is not positive"));
    } else {
      out.amount_cents = *cents;
    }
  }
  bool has_currency = false;
  for (const auto& [name, value] : amt.attributes) {
    if (name != "Ccy") continue;
    has_currency = true;
    if (absl::Status valid = ValidateCurrency("Ccy", value); !valid.ok()) {
      problems.push_back(std::string(valid.message()));
    } else {
      out.currency = value;
    }
  }
  if (!has_currency) problems.push_back("Amt has no Ccy");
}

std::optional<absl::CivilDay> ReadDate(const formats::XmlElement& entry, absl::string_view name,
                                       std::vector<std::string>& problems) {
  std::optional<std::string> text = TextAt(&entry, {name, "Dt"});
  if (!text.has_value()) return std::nullopt;
  absl::CivilDay day;
  if (!absl::ParseCivilTime(*text, &day) || absl::FormatCivilTime(day) != *text) {
    problems.push_back(absl::StrCat(name, "/Dt ", Quoted(*text), " is not a date YYYY-MM-DD"));
    return std::nullopt;
  }
  return day;
}

// Reads one Ntry; its problems are appended, each without the position.
BankNotification ReadEntry(const formats::XmlElement& entry, std::vector<std::string>& problems) {
  BankNotification out;
  if (const formats::XmlElement* amt = Child(&entry, "Amt"); amt != nullptr) {
    ReadAmount(*amt, out, problems);
  } else {
    problems.push_back("no Amt");
  }
  const std::string indicator = TextAt(&entry, {"CdtDbtInd"}).value_or("");
  if (indicator == "CRDT") {
    out.credit_debit = CreditDebit::kCredit;
  } else if (indicator == "DBIT") {
    out.credit_debit = CreditDebit::kDebit;
  } else {
    problems.push_back(absl::StrCat("CdtDbtInd ", Quoted(indicator), " is neither CRDT nor DBIT"));
  }
  const std::string status = TextAt(&entry, {"Sts", "Cd"}).value_or("");
  if (status == "BOOK") {
    out.status = EntryStatus::kBooked;
  } else if (status == "PDNG") {
    out.status = EntryStatus::kPending;
  } else {
    problems.push_back(absl::StrCat("Sts/Cd ", Quoted(status), " is neither BOOK nor PDNG"));
  }
  out.booking_date = ReadDate(entry, "BookgDt", problems);
  out.value_date = ReadDate(entry, "ValDt", problems);
  // A booked entry is final money: without its booking date it cannot be posted to a day.
  if (status == "BOOK" && !out.booking_date.has_value() &&
      !TextAt(&entry, {"BookgDt", "Dt"}).has_value()) {
    problems.push_back("BOOK entry without BookgDt/Dt");
  }
  // Every NtryDtls, not only the first: the standard allows several (a bank may give one
  // per batch), and an id left unread would let a booking of several instructions confirm
  // one of them alone when its amount happens to match.
  for (const formats::XmlElement& details : entry.children) {
    if (LocalName(details.name) != "NtryDtls") continue;
    for (const formats::XmlElement& tx : details.children) {
      if (LocalName(tx.name) != "TxDtls") continue;
      std::optional<std::string> id = TextAt(&tx, {"Refs", "EndToEndId"});
      if (id.has_value()) out.end_to_end_ids.push_back(std::move(*id));
    }
  }
  return out;
}

const formats::XmlSchema* Camt054Schema(absl::Status& error) {
  static const absl::StatusOr<formats::XmlSchema>* const schema =
      new absl::StatusOr<formats::XmlSchema>(formats::XmlSchema::FromText(Camt054Xsd()));
  if (!schema->ok()) {
    error = absl::InternalError(absl::StrCat("the embedded camt.054 schema does not compile: ",
                                             schema->status().message()));
    return nullptr;
  }
  return &**schema;
}

}  // namespace

absl::StatusOr<std::vector<BankNotification>> ReadCamt054(absl::string_view xml) {
  absl::Status schema_error;
  const formats::XmlSchema* schema = Camt054Schema(schema_error);
  if (schema == nullptr) return schema_error;
  if (absl::Status valid = schema->Validate(xml); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("camt.054.001.08 refused: ", valid.message()));
  }
  absl::StatusOr<formats::XmlElement> root = formats::ParseXml(xml);
  if (!root.ok()) {  // validated above; read again only to walk the tree
    return absl::InvalidArgumentError(
        absl::StrCat("camt.054.001.08 refused: ", root.status().message()));
  }
  const formats::XmlElement* body = Child(&*root, "BkToCstmrDbtCdtNtfctn");
  if (body == nullptr) {
    return absl::InvalidArgumentError("camt.054.001.08 refused: no BkToCstmrDbtCdtNtfctn");
  }

  std::vector<BankNotification> entries;
  std::vector<std::string> bad_entries;
  size_t bad_count = 0;
  int notification_index = 0;
  for (const formats::XmlElement& notification : body->children) {
    if (LocalName(notification.name) != "Ntfctn") continue;
    const std::string notification_id = TextAt(&notification, {"Id"}).value_or("");
    std::string account_id = TextAt(&notification, {"Acct", "Id", "Othr", "Id"}).value_or("");
    if (account_id.empty()) account_id = TextAt(&notification, {"Acct", "Id", "IBAN"}).value_or("");
    int entry_index = 0;
    for (const formats::XmlElement& entry : notification.children) {
      if (LocalName(entry.name) != "Ntry") continue;
      std::vector<std::string> problems;
      BankNotification read = ReadEntry(entry, problems);
      if (problems.empty()) {
        read.notification_index = notification_index;
        read.entry_index = entry_index;
        read.notification_id = notification_id;
        read.account_id = account_id;
        entries.push_back(std::move(read));
      } else if (++bad_count <= kMaxProblemsListed) {
        bad_entries.push_back(absl::StrCat("Ntfctn[", notification_index, "].Ntry[", entry_index,
                                           "] (line ", entry.line,
                                           "): ", absl::StrJoin(problems, ", ")));
      }
      ++entry_index;
    }
    ++notification_index;
  }
  if (bad_count > 0) {
    std::string message = absl::StrCat(
        "camt.054.001.08 refused, ", bad_count,
        bad_count == 1 ? " bad entry: " : " bad entries: ", absl::StrJoin(bad_entries, "; "));
    if (bad_count > kMaxProblemsListed) {
      absl::StrAppend(&message, "; and ", bad_count - kMaxProblemsListed, " more");
    }
    return absl::InvalidArgumentError(message);
  }
  return entries;
}

}  // namespace tc::payments
