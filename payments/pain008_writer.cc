#include "payments/pain008_writer.h"

#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "payments/iso_message_writer.h"

namespace tc::payments {

absl::StatusOr<std::string> WritePain008(const MessageHeader& header, const CcpParty& ccp,
                                         absl::Span<const PaymentInstruction> collects) {
  TC_ASSIGN_OR_RETURN(BatchTotals totals,
                      CheckBatch(header, ccp, collects, PaymentDirection::kCollect, "collects"));
  const std::string count = absl::StrCat(totals.count);
  const std::string control_sum = FormatFixed(totals.control_sum_cents, kCentsDigits);

  IsoMessageWriter out(kPain008Namespace);
  formats::XmlWriter& xml = out.xml();
  xml.Open("CstmrDrctDbtInitn");
  xml.Open("GrpHdr");
  xml.Leaf("MsgId", header.message_id);
  xml.Leaf("CreDtTm", IsoDateTimeUtc(header.creation_time));
  xml.Leaf("NbOfTxs", count);
  xml.Leaf("CtrlSum", control_sum);
  xml.Open("InitgPty");
  xml.Leaf("Nm", ccp.name);
  xml.Close();
  xml.Close();  // GrpHdr

  // One batch per message (the CCP's one account at this bank, one collection date).
  xml.Open("PmtInf");
  xml.Leaf("PmtInfId", header.message_id);
  xml.Leaf("PmtMtd", "DD");
  xml.Leaf("NbOfTxs", count);
  xml.Leaf("CtrlSum", control_sum);
  xml.Leaf("ReqdColltnDt", IsoDate(header.execution_date));
  out.Party("Cdtr", ccp.name, ccp.lei);
  out.Account("CdtrAcct", ccp.account_number);
  out.AgentByAba("CdtrAgt", ccp.bank_aba);
  for (const PaymentInstruction& collect : collects) {
    xml.Open("DrctDbtTxInf");
    xml.Open("PmtId");
    xml.Leaf("InstrId", collect.instruction_id);
    xml.Leaf("EndToEndId", collect.instruction_id);
    xml.Close();
    out.InstructedAmount(collect.amount_cents, collect.currency);
    // The mandate is the member's authority for the bank to debit it: without it the
    // debtor bank returns the collection.
    xml.Open("DrctDbtTx");
    xml.Open("MndtRltdInf");
    xml.Leaf("MndtId", collect.mandate_id);
    xml.Leaf("DtOfSgntr", IsoDate(*collect.mandate_signature_date));  // checked present
    xml.Close();
    xml.Close();
    out.AgentByAba("DbtrAgt", collect.member_bank_aba);
    out.Party("Dbtr", collect.member_name, collect.member_lei);
    out.Account("DbtrAcct", collect.member_account_number);
    out.Remittance(collect.remittance_text);
    xml.Close();  // DrctDbtTxInf
  }
  xml.Close();  // PmtInf
  xml.Close();  // CstmrDrctDbtInitn
  return out.Finish();
}

}  // namespace tc::payments
