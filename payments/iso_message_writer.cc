#include "payments/iso_message_writer.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/identifiers.h"
#include "core/status_macros.h"

namespace tc::payments {
namespace {

constexpr absl::string_view kInstdAmt = "InstdAmt";

absl::Status CheckInstruction(const PaymentInstruction& p, const MessageHeader& header,
                              PaymentDirection expected, absl::string_view at) {
  auto field = [&](absl::string_view name) { return absl::StrCat(at, ".", name); };
  if (p.direction != expected) {
    return absl::InvalidArgumentError(absl::StrCat(
        field("direction"), " is ", p.direction == PaymentDirection::kCollect ? "COLLECT" : "PAY",
        ": a ",
        expected == PaymentDirection::kCollect ? "collect file (pain.008)" : "pay file (pain.001)",
        " holds only ", expected == PaymentDirection::kCollect ? "collects" : "pays"));
  }
  TC_RETURN_IF_ERROR(ValidateIsoId(field("instruction_id"), p.instruction_id));
  TC_RETURN_IF_ERROR(ValidateIdentifier(field("member_id"), p.member_id));
  if (p.amount_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field("amount_cents"), " ", p.amount_cents,
                     " is not positive: the direction says which way money moves"));
  }
  TC_RETURN_IF_ERROR(ValidateCurrency(field("currency"), p.currency));
  TC_RETURN_IF_ERROR(ValidateIsoText(field("member_name"), p.member_name, /*required=*/true));
  TC_RETURN_IF_ERROR(ValidateLei(field("member_lei"), p.member_lei));
  TC_RETURN_IF_ERROR(
      ValidateAccountNumber(field("member_account_number"), p.member_account_number));
  TC_RETURN_IF_ERROR(ValidateAbaRoutingNumber(field("member_bank_aba"), p.member_bank_aba));
  TC_RETURN_IF_ERROR(
      ValidateIsoText(field("remittance_text"), p.remittance_text, /*required=*/false));
  if (expected == PaymentDirection::kCollect) {
    TC_RETURN_IF_ERROR(ValidateIsoId(field("mandate_id"), p.mandate_id));
    if (!p.mandate_signature_date.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(field("mandate_signature_date"),
                                                     " is missing: a collect needs its mandate"));
    }
    if (*p.mandate_signature_date > header.execution_date) {
      return absl::InvalidArgumentError(
          absl::StrCat(field("mandate_signature_date"), " ", IsoDate(*p.mandate_signature_date),
                       " is after the collection date ", IsoDate(header.execution_date)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BatchTotals> CheckBatch(const MessageHeader& header, const CcpParty& ccp,
                                       absl::Span<const PaymentInstruction> instructions,
                                       PaymentDirection expected, absl::string_view list_name) {
  TC_RETURN_IF_ERROR(ValidateIsoId("header.message_id", header.message_id));
  TC_RETURN_IF_ERROR(ValidateIsoText("ccp.name", ccp.name, /*required=*/true));
  TC_RETURN_IF_ERROR(ValidateLei("ccp.lei", ccp.lei));
  TC_RETURN_IF_ERROR(ValidateAccountNumber("ccp.account_number", ccp.account_number));
  TC_RETURN_IF_ERROR(ValidateAbaRoutingNumber("ccp.bank_aba", ccp.bank_aba));
  if (instructions.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(list_name, " is empty: a message holds at least one instruction"));
  }
  BatchTotals totals;
  absl::flat_hash_set<absl::string_view> ids;
  for (size_t i = 0; i < instructions.size(); ++i) {
    const PaymentInstruction& p = instructions[i];
    const std::string at = absl::StrCat(list_name, "[", i, "]");
    TC_RETURN_IF_ERROR(CheckInstruction(p, header, expected, at));
    // EndToEndId comes back in the bank's confirmations: two equal IDs could not be told
    // apart when matching.
    if (!ids.insert(p.instruction_id).second) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".instruction_id '", p.instruction_id,
                                                     "' appears twice in the message"));
    }
    // One PmtInf: the CCP's one account and date; a mixed currency would make CtrlSum
    // meaningless and belongs in another message.
    if (i == 0) {
      totals.currency = p.currency;
    } else if (p.currency != totals.currency) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".currency '", p.currency, "' differs from ", list_name,
                       "[0].currency '", totals.currency, "': one currency per PmtInf"));
    }
    std::optional<int64_t> sum = CheckedAdd(totals.control_sum_cents, p.amount_cents);
    if (!sum.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".amount_cents ", p.amount_cents, " overflows the control sum"));
    }
    totals.control_sum_cents = *sum;
    ++totals.count;
  }
  return totals;
}

IsoMessageWriter::IsoMessageWriter(absl::string_view xml_namespace) {
  xml_.Open("Document");
  xml_.Attribute("xmlns", xml_namespace);
}

void IsoMessageWriter::OpenBatch(absl::string_view root, const MessageHeader& header,
                                 const CcpParty& ccp, const BatchTotals& totals,
                                 absl::string_view method) {
  const std::string count = absl::StrCat(totals.count);
  const std::string control_sum = FormatFixed(totals.control_sum_cents, kCentsDigits);
  xml_.Open(root);
  xml_.Open("GrpHdr");
  xml_.Leaf("MsgId", header.message_id);
  xml_.Leaf("CreDtTm", IsoDateTimeUtc(header.creation_time));
  xml_.Leaf("NbOfTxs", count);
  xml_.Leaf("CtrlSum", control_sum);
  xml_.Open("InitgPty");
  xml_.Leaf("Nm", ccp.name);
  xml_.Close();
  xml_.Close();  // GrpHdr
  xml_.Open("PmtInf");
  xml_.Leaf("PmtInfId", header.message_id);
  xml_.Leaf("PmtMtd", method);
  xml_.Leaf("NbOfTxs", count);
  xml_.Leaf("CtrlSum", control_sum);
}

void IsoMessageWriter::PaymentId(absl::string_view instruction_id) {
  xml_.Open("PmtId");
  xml_.Leaf("InstrId", instruction_id);
  xml_.Leaf("EndToEndId", instruction_id);
  xml_.Close();
}

void IsoMessageWriter::InstructedAmount(int64_t amount_cents, absl::string_view currency) {
  xml_.Open(kInstdAmt);
  xml_.Attribute("Ccy", currency);
  xml_.Text(FormatFixed(amount_cents, kCentsDigits));
  xml_.Close();
}

void IsoMessageWriter::AgentByAba(absl::string_view tag, absl::string_view aba) {
  xml_.Open(tag);
  xml_.Open("FinInstnId");
  xml_.Open("ClrSysMmbId");
  xml_.Open("ClrSysId");
  xml_.Leaf("Cd", "USABA");
  xml_.Close();
  xml_.Leaf("MmbId", aba);
  xml_.Close();
  xml_.Close();
  xml_.Close();
}

void IsoMessageWriter::Party(absl::string_view tag, absl::string_view name, absl::string_view lei) {
  xml_.Open(tag);
  xml_.Leaf("Nm", name);
  xml_.Open("Id");
  xml_.Open("OrgId");
  xml_.Leaf("LEI", lei);
  xml_.Close();
  xml_.Close();
  xml_.Close();
}

void IsoMessageWriter::Account(absl::string_view tag, absl::string_view account_number) {
  xml_.Open(tag);
  xml_.Open("Id");
  xml_.Open("Othr");
  xml_.Leaf("Id", account_number);
  xml_.Close();
  xml_.Close();
  xml_.Close();
}

void IsoMessageWriter::Remittance(absl::string_view text) {
  if (text.empty()) return;
  xml_.Open("RmtInf");
  xml_.Leaf("Ustrd", text);
  xml_.Close();
}

std::string IsoMessageWriter::Finish() {
  xml_.Close();
  return xml_.Finish();
}

std::string IsoDate(absl::CivilDay day) { return absl::FormatCivilTime(day); }

std::string IsoDateTimeUtc(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

}  // namespace tc::payments
