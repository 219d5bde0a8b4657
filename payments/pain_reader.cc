#include "payments/pain_reader.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/fixed_point.h"
#include "core/identifiers.h"
#include "core/status_macros.h"
#include "formats/xml_document.h"
#include "formats/xml_schema.h"
#include "payments/iso20022_schemas.h"
#include "payments/iso_message_writer.h"
#include "payments/pain001_writer.h"
#include "payments/pain008_writer.h"

namespace tc::payments {
namespace {

using formats::XmlElement;

constexpr absl::string_view kNeither = "not a pain.001.001.09 or pain.008.001.08 document";

// What differs between the two messages; everything else is read the same way, because
// the writers write it the same way (iso_message_writer.h).
struct PainType {
  absl::string_view name;
  absl::string_view namespace_uri;
  PaymentDirection direction;
  absl::string_view root;
  absl::string_view method;       // PmtInf/PmtMtd
  absl::string_view date_path;    // the requested execution or collection date
  absl::string_view transaction;  // one instruction
  absl::string_view amount_path;  // below the transaction
  absl::string_view ccp_role;     // the CCP pays as debtor and collects as creditor
  absl::string_view member_role;  // the other side
};

constexpr PainType kPays = {
    .name = "pain.001.001.09",
    .namespace_uri = kPain001Namespace,
    .direction = PaymentDirection::kPay,
    .root = "CstmrCdtTrfInitn",
    .method = "TRF",
    .date_path = "ReqdExctnDt/Dt",
    .transaction = "CdtTrfTxInf",
    .amount_path = "Amt/InstdAmt",
    .ccp_role = "Dbtr",
    .member_role = "Cdtr",
};

constexpr PainType kCollects = {
    .name = "pain.008.001.08",
    .namespace_uri = kPain008Namespace,
    .direction = PaymentDirection::kCollect,
    .root = "CstmrDrctDbtInitn",
    .method = "DD",
    .date_path = "ReqdColltnDt",
    .transaction = "DrctDbtTxInf",
    .amount_path = "InstdAmt",
    .ccp_role = "Cdtr",
    .member_role = "Dbtr",
};

// Element names without a namespace prefix ("p:MsgId" -> "MsgId"): the schema has
// already checked that every element is in the message's namespace, whatever prefix the
// file chose.
absl::string_view LocalName(absl::string_view name) {
  const size_t colon = name.find(':');
  return colon == absl::string_view::npos ? name : name.substr(colon + 1);
}

const XmlElement* Child(const XmlElement* parent, absl::string_view name) {
  if (parent == nullptr) return nullptr;
  for (const XmlElement& child : parent->children) {
    if (LocalName(child.name) == name) return &child;
  }
  return nullptr;
}

std::vector<const XmlElement*> Children(const XmlElement& parent, absl::string_view name) {
  std::vector<const XmlElement*> out;
  for (const XmlElement& child : parent.children) {
    if (LocalName(child.name) == name) out.push_back(&child);
  }
  return out;
}

std::string Quoted(absl::string_view value) {
  return absl::StrCat("'", ShortenForMessage(value), "'");
}

// The values below one element, by slash-separated path ("PmtId/InstrId"), each checked
// as the writers check it. Errors name the value by `prefix` + path, so the reader of
// the message finds it in the file ("PmtInf/Dbtr/Id/OrgId/LEI ...").
class Values {
 public:
  Values(const XmlElement& element, absl::string_view prefix)
      : element_(element), prefix_(prefix) {}

  std::string Field(absl::string_view path) const { return absl::StrCat(prefix_, path); }

  // Optional elements of the standard that our writers always fill are missing only in a
  // file we did not write.
  absl::StatusOr<const XmlElement*> Element(absl::string_view path) const {
    const XmlElement* at = &element_;
    for (absl::string_view name : absl::StrSplit(path, '/')) {
      at = Child(at, name);
      if (at == nullptr)
        return absl::InvalidArgumentError(absl::StrCat(Field(path), " is missing"));
    }
    return at;
  }

  // The text as written: IDs, names, LEIs and accounts are xs:string, which keeps
  // whitespace, so a stray space is refused by the checks below instead of dropped.
  absl::StatusOr<std::string> Text(absl::string_view path) const {
    TC_ASSIGN_OR_RETURN(const XmlElement* at, Element(path));
    return at->text;
  }

  absl::StatusOr<std::string> IsoId(absl::string_view path) const {
    TC_ASSIGN_OR_RETURN(std::string text, Text(path));
    TC_RETURN_IF_ERROR(ValidateIsoId(Field(path), text));
    return text;
  }

  absl::StatusOr<std::string> Name(absl::string_view path) const {
    TC_ASSIGN_OR_RETURN(std::string text, Text(path));
    TC_RETURN_IF_ERROR(ValidateIsoText(Field(path), text, /*required=*/true));
    return text;
  }

  // A code with the one value our messages use.
  absl::Status Code(absl::string_view path, absl::string_view expected,
                    absl::string_view why) const {
    TC_ASSIGN_OR_RETURN(std::string text, Text(path));
    if (text != expected) {
      return absl::InvalidArgumentError(
          absl::StrCat(Field(path), " ", Quoted(text), " is not ", expected, ": ", why));
    }
    return absl::OkStatus();
  }

  // Decimals, dates and counts are trimmed: XML Schema collapses their whitespace.
  absl::StatusOr<int64_t> Cents(absl::string_view path) const {
    TC_ASSIGN_OR_RETURN(const XmlElement* at, Element(path));
    // ParseFixed refuses a third decimal: every currency we move has two, so nothing is
    // ever rounded here.
    absl::StatusOr<int64_t> cents = ParseFixed(at->TrimmedText(), kCentsDigits);
    if (!cents.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(Field(path), " ", cents.status().message()));
    }
    return *cents;
  }

  absl::StatusOr<int64_t> Count(absl::string_view path) const {
    TC_ASSIGN_OR_RETURN(const XmlElement* at, Element(path));
    int64_t count = 0;
    if (!absl::SimpleAtoi(at->TrimmedText(), &count) || count < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(Field(path), " ", Quoted(at->TrimmedText()), " is not a count"));
    }
    return count;
  }

  // YYYY-MM-DD that prints back as read: xs:date also allows a time zone and other years'
  // forms, and absl would normalize 2026-02-30 to a real day.
  absl::StatusOr<absl::CivilDay> Date(absl::string_view path) const {
    TC_ASSIGN_OR_RETURN(const XmlElement* at, Element(path));
    const absl::string_view text = at->TrimmedText();
    absl::CivilDay day;
    if (!absl::ParseCivilTime(text, &day) || IsoDate(day) != text) {
      return absl::InvalidArgumentError(
          absl::StrCat(Field(path), " ", Quoted(text), " is not a date YYYY-MM-DD"));
    }
    return day;
  }

  // A time with its zone ("2026-12-01T18:30:00Z"): without one it names no instant. In
  // whole seconds, as the writers write it (IsoDateTimeUtc): a fraction would be lost
  // when the message is written again.
  absl::StatusOr<absl::Time> DateTime(absl::string_view path) const {
    TC_ASSIGN_OR_RETURN(const XmlElement* at, Element(path));
    const std::string text(at->TrimmedText());
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat(Field(path), " ", Quoted(text),
                       " is not a date-time with a time zone (YYYY-MM-DDThh:mm:ssZ)"));
    }
    if (time != absl::FromUnixSeconds(absl::ToUnixSeconds(time))) {
      return absl::InvalidArgumentError(
          absl::StrCat(Field(path), " ", Quoted(text),
                       " has a fraction of a second: our messages are written to the second"));
    }
    return time;
  }

 private:
  const XmlElement& element_;
  std::string prefix_;
};

// A party as IsoMessageWriter writes it: <role> with Nm and Id/OrgId/LEI, <role>Acct with
// Id/Othr/Id, <role>Agt with the bank's ABA routing number.
absl::StatusOr<CcpParty> ReadParty(const Values& at, absl::string_view role) {
  CcpParty party;
  TC_ASSIGN_OR_RETURN(party.name, at.Name(absl::StrCat(role, "/Nm")));
  const std::string lei_path = absl::StrCat(role, "/Id/OrgId/LEI");
  TC_ASSIGN_OR_RETURN(party.lei, at.Text(lei_path));
  TC_RETURN_IF_ERROR(ValidateLei(at.Field(lei_path), party.lei));
  const std::string account_path = absl::StrCat(role, "Acct/Id/Othr/Id");
  TC_ASSIGN_OR_RETURN(party.account_number, at.Text(account_path));
  TC_RETURN_IF_ERROR(ValidateAccountNumber(at.Field(account_path), party.account_number));
  const std::string agent = absl::StrCat(role, "Agt/FinInstnId/ClrSysMmbId");
  TC_RETURN_IF_ERROR(at.Code(absl::StrCat(agent, "/ClrSysId/Cd"), "USABA",
                             "the bank is named by its ABA routing number"));
  const std::string aba_path = absl::StrCat(agent, "/MmbId");
  TC_ASSIGN_OR_RETURN(party.bank_aba, at.Text(aba_path));
  TC_RETURN_IF_ERROR(ValidateAbaRoutingNumber(at.Field(aba_path), party.bank_aba));
  return party;
}

// One CdtTrfTxInf or DrctDbtTxInf; errors name the value, the caller adds the position.
absl::StatusOr<PaymentInstruction> ReadInstruction(const XmlElement& transaction,
                                                   const PainType& type,
                                                   absl::CivilDay execution_date) {
  const Values at(transaction, "");
  PaymentInstruction p;
  p.direction = type.direction;
  TC_ASSIGN_OR_RETURN(p.instruction_id, at.IsoId("PmtId/InstrId"));
  TC_ASSIGN_OR_RETURN(std::string end_to_end_id, at.IsoId("PmtId/EndToEndId"));
  // The EndToEndId is what the bank's camt.054 sends back: if it were not our instruction
  // ID, the confirmation could not find its instruction.
  if (end_to_end_id != p.instruction_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("PmtId/EndToEndId ", Quoted(end_to_end_id), " differs from PmtId/InstrId ",
                     Quoted(p.instruction_id), ": our instruction ID is both"));
  }

  TC_ASSIGN_OR_RETURN(const XmlElement* amount, at.Element(type.amount_path));
  TC_ASSIGN_OR_RETURN(p.amount_cents, at.Cents(type.amount_path));
  if (p.amount_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(type.amount_path, " ", Quoted(amount->TrimmedText()),
                     " is not positive: the message type says which way money moves"));
  }
  for (const auto& [name, value] : amount->attributes) {
    if (name == "Ccy") p.currency = value;
  }
  TC_RETURN_IF_ERROR(ValidateCurrency(absl::StrCat(type.amount_path, "/@Ccy"), p.currency));

  if (type.direction == PaymentDirection::kCollect) {
    // The member's standing debit mandate: without it the member's bank returns the
    // collection, and a mandate signed after the collection date authorizes nothing yet.
    TC_ASSIGN_OR_RETURN(p.mandate_id, at.IsoId("DrctDbtTx/MndtRltdInf/MndtId"));
    TC_ASSIGN_OR_RETURN(absl::CivilDay signed_on, at.Date("DrctDbtTx/MndtRltdInf/DtOfSgntr"));
    if (signed_on > execution_date) {
      return absl::InvalidArgumentError(
          absl::StrCat("DrctDbtTx/MndtRltdInf/DtOfSgntr ", IsoDate(signed_on),
                       " is after the collection date ", IsoDate(execution_date)));
    }
    p.mandate_signature_date = signed_on;
  }

  TC_ASSIGN_OR_RETURN(CcpParty member, ReadParty(at, type.member_role));
  p.member_name = std::move(member.name);
  p.member_lei = std::move(member.lei);
  p.member_account_number = std::move(member.account_number);
  p.member_bank_aba = std::move(member.bank_aba);

  if (const XmlElement* remittance = Child(&transaction, "RmtInf"); remittance != nullptr) {
    const std::vector<const XmlElement*> lines = Children(*remittance, "Ustrd");
    // The standard allows several Ustrd; an instruction has one remittance text, and a
    // second would be lost on the way back.
    if (lines.size() > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "RmtInf has ", lines.size(), " Ustrd: our messages carry one remittance text"));
    }
    if (lines.size() == 1) p.remittance_text = lines[0]->text;
    TC_RETURN_IF_ERROR(ValidateIsoText("RmtInf/Ustrd", p.remittance_text, /*required=*/false));
  }
  return p;
}

absl::Status MismatchError(absl::string_view field, absl::string_view found,
                           absl::string_view expected, absl::string_view of_what) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, " ", found, " differs from ", expected, ", ", of_what));
}

// The message after schema validation: header, the one batch, the CCP, the instructions,
// then the totals against what was read.
absl::StatusOr<PainMessage> ReadMessage(const XmlElement& document, const PainType& type) {
  TC_ASSIGN_OR_RETURN(const XmlElement* body, Values(document, "").Element(type.root));
  const Values message(*body, "");
  PainMessage out;
  out.namespace_uri = std::string(type.namespace_uri);
  TC_ASSIGN_OR_RETURN(out.header.message_id, message.IsoId("GrpHdr/MsgId"));
  TC_ASSIGN_OR_RETURN(out.header.creation_time, message.DateTime("GrpHdr/CreDtTm"));
  TC_ASSIGN_OR_RETURN(out.number_of_transactions, message.Count("GrpHdr/NbOfTxs"));
  TC_ASSIGN_OR_RETURN(out.control_sum_cents, message.Cents("GrpHdr/CtrlSum"));
  TC_ASSIGN_OR_RETURN(std::string initiating_party, message.Name("GrpHdr/InitgPty/Nm"));

  // One PmtInf per message (the CCP's one account at the bank, one date, one currency):
  // PainMessage has one header and one CCP, so a second batch could not be returned.
  const std::vector<const XmlElement*> batches = Children(*body, "PmtInf");
  if (batches.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the message holds ", batches.size(), " PmtInf: ours hold exactly one"));
  }
  const Values batch(*batches[0], "PmtInf/");
  TC_ASSIGN_OR_RETURN(std::string batch_id, batch.IsoId("PmtInfId"));
  if (batch_id != out.header.message_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("PmtInf/PmtInfId ", Quoted(batch_id), " differs from GrpHdr/MsgId ",
                     Quoted(out.header.message_id), ": our one PmtInf is named by the MsgId"));
  }
  TC_RETURN_IF_ERROR(
      batch.Code("PmtMtd", type.method, absl::StrCat("the payment method of a ", type.name)));
  TC_ASSIGN_OR_RETURN(int64_t batch_count, batch.Count("NbOfTxs"));
  TC_ASSIGN_OR_RETURN(int64_t batch_sum_cents, batch.Cents("CtrlSum"));
  TC_ASSIGN_OR_RETURN(out.header.execution_date, batch.Date(type.date_path));
  TC_ASSIGN_OR_RETURN(out.ccp, ReadParty(batch, type.ccp_role));
  if (initiating_party != out.ccp.name) {
    return absl::InvalidArgumentError(
        absl::StrCat("GrpHdr/InitgPty/Nm ", Quoted(initiating_party), " differs from ",
                     batch.Field(absl::StrCat(type.ccp_role, "/Nm")), " ", Quoted(out.ccp.name),
                     ": the CCP initiates its own payments"));
  }
  if (type.direction == PaymentDirection::kPay) {
    TC_RETURN_IF_ERROR(batch.Code("ChrgBr", "SHAR", "each side bears its own bank's charges"));
  }

  absl::flat_hash_set<std::string> ids;
  int64_t sum_cents = 0;
  int index = 0;
  for (const XmlElement* transaction : Children(*batches[0], type.transaction)) {
    const std::string at =
        absl::StrCat(type.transaction, "[", index++, "] (line ", transaction->line, "): ");
    absl::StatusOr<PaymentInstruction> p =
        ReadInstruction(*transaction, type, out.header.execution_date);
    if (!p.ok()) return absl::InvalidArgumentError(absl::StrCat(at, p.status().message()));
    // The EndToEndId names the instruction in the bank's confirmation: two equal IDs could
    // not be told apart.
    if (!ids.insert(p->instruction_id).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          at, "PmtId/InstrId ", Quoted(p->instruction_id), " appears twice in the message"));
    }
    // One currency per PmtInf, or CtrlSum would add dollars to euros.
    if (!out.instructions.empty() && p->currency != out.instructions[0].currency) {
      return absl::InvalidArgumentError(absl::StrCat(
          at, type.amount_path, "/@Ccy ", Quoted(p->currency), " differs from ", type.transaction,
          "[0]'s ", Quoted(out.instructions[0].currency), ": one currency per PmtInf"));
    }
    std::optional<int64_t> sum = CheckedAdd(sum_cents, p->amount_cents);
    if (!sum.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, type.amount_path, " overflows the sum of the amounts"));
    }
    sum_cents = *sum;
    out.instructions.push_back(*std::move(p));
  }

  // The totals are the bank's check that nothing was lost or added on the way: a file
  // whose totals do not match its instructions is not the file we wrote.
  const int64_t count = static_cast<int64_t>(out.instructions.size());
  const std::string of_count = absl::StrCat("the number of ", type.transaction, " in the message");
  const std::string of_sum = absl::StrCat("the sum of the ", count, " ", type.transaction);
  if (out.number_of_transactions != count) {
    return MismatchError("GrpHdr/NbOfTxs", absl::StrCat(out.number_of_transactions),
                         absl::StrCat(count), of_count);
  }
  if (batch_count != count) {
    return MismatchError("PmtInf/NbOfTxs", absl::StrCat(batch_count), absl::StrCat(count),
                         of_count);
  }
  if (out.control_sum_cents != sum_cents) {
    return MismatchError("GrpHdr/CtrlSum", FormatFixed(out.control_sum_cents, kCentsDigits),
                         FormatFixed(sum_cents, kCentsDigits), of_sum);
  }
  if (batch_sum_cents != sum_cents) {
    return MismatchError("PmtInf/CtrlSum", FormatFixed(batch_sum_cents, kCentsDigits),
                         FormatFixed(sum_cents, kCentsDigits), of_sum);
  }
  return out;
}

// The message is chosen by the namespace of the root: the schema to validate against
// depends on it.
absl::StatusOr<const PainType*> TypeOf(const XmlElement& root) {
  if (LocalName(root.name) != "Document") {
    return absl::InvalidArgumentError(
        absl::StrCat(kNeither, ": the root element is ", Quoted(root.name), ", not Document"));
  }
  const size_t colon = root.name.find(':');
  const std::string declaration =
      colon == std::string::npos ? "xmlns" : absl::StrCat("xmlns:", root.name.substr(0, colon));
  std::string namespace_uri;
  for (const auto& [name, value] : root.attributes) {
    if (name == declaration) namespace_uri = value;
  }
  if (namespace_uri == kPays.namespace_uri) return &kPays;
  if (namespace_uri == kCollects.namespace_uri) return &kCollects;
  if (namespace_uri.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(kNeither, ": Document has no namespace"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(kNeither, ": its namespace is ", Quoted(namespace_uri)));
}

// Compiled once per process; the schemas are ours, so a failure is an internal error.
absl::StatusOr<const formats::XmlSchema*> SchemaOf(const PainType& type) {
  static const absl::StatusOr<formats::XmlSchema>* const pays =
      new absl::StatusOr<formats::XmlSchema>(formats::XmlSchema::FromText(Pain001Xsd()));
  static const absl::StatusOr<formats::XmlSchema>* const collects =
      new absl::StatusOr<formats::XmlSchema>(formats::XmlSchema::FromText(Pain008Xsd()));
  const absl::StatusOr<formats::XmlSchema>& schema =
      type.direction == PaymentDirection::kPay ? *pays : *collects;
  if (!schema.ok()) {
    return absl::InternalError(absl::StrCat(
        "the embedded ", type.name, " schema does not compile: ", schema.status().message()));
  }
  return &*schema;
}

}  // namespace

absl::StatusOr<PainMessage> ReadPainMessage(absl::string_view xml) {
  // Parsed within the XML limits (size, depth, elements, no DTD) before anything else;
  // the tree is kept for reading once the schema has accepted the document.
  absl::StatusOr<XmlElement> document = formats::ParseXml(xml);
  if (!document.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(kNeither, ": ", document.status().message()));
  }
  TC_ASSIGN_OR_RETURN(const PainType* type, TypeOf(*document));
  TC_ASSIGN_OR_RETURN(const formats::XmlSchema* schema, SchemaOf(*type));
  if (absl::Status valid = schema->Validate(xml); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(type->name, " refused: ", valid.message()));
  }
  absl::StatusOr<PainMessage> message = ReadMessage(*document, *type);
  if (!message.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(type->name, " refused: ", message.status().message()));
  }
  return message;
}

}  // namespace tc::payments
