#include "payments/pain001_writer.h"

#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "payments/iso_message_writer.h"

namespace tc::payments {

absl::StatusOr<std::string> WritePain001(const MessageHeader& header, const CcpParty& ccp,
                                         absl::Span<const PaymentInstruction> pays) {
  TC_ASSIGN_OR_RETURN(BatchTotals totals,
                      CheckBatch(header, ccp, pays, PaymentDirection::kPay, "pays"));
  const std::string count = absl::StrCat(totals.count);
  const std::string control_sum = FormatFixed(totals.control_sum_cents, kCentsDigits);

  IsoMessageWriter out(kPain001Namespace);
  formats::XmlWriter& xml = out.xml();
  xml.Open("CstmrCdtTrfInitn");
  xml.Open("GrpHdr");
  xml.Leaf("MsgId", header.message_id);
  xml.Leaf("CreDtTm", IsoDateTimeUtc(header.creation_time));
  xml.Leaf("NbOfTxs", count);
  xml.Leaf("CtrlSum", control_sum);
  xml.Open("InitgPty");
  xml.Leaf("Nm", ccp.name);
  xml.Close();
  xml.Close();  // GrpHdr

  // One batch per message: the CCP has one account per settlement bank and the message
  // has one execution date, so PmtInfId can be the MsgId.
  xml.Open("PmtInf");
  xml.Leaf("PmtInfId", header.message_id);
  xml.Leaf("PmtMtd", "TRF");
  xml.Leaf("NbOfTxs", count);
  xml.Leaf("CtrlSum", control_sum);
  xml.Open("ReqdExctnDt");
  xml.Leaf("Dt", IsoDate(header.execution_date));
  xml.Close();
  out.Party("Dbtr", ccp.name, ccp.lei);
  out.Account("DbtrAcct", ccp.account_number);
  out.AgentByAba("DbtrAgt", ccp.bank_aba);
  // Each side pays its own bank's charges: the member receives the full amount owed
  // less only what its own bank charges it.
  xml.Leaf("ChrgBr", "SHAR");
  for (const PaymentInstruction& pay : pays) {
    xml.Open("CdtTrfTxInf");
    xml.Open("PmtId");
    xml.Leaf("InstrId", pay.instruction_id);
    xml.Leaf("EndToEndId", pay.instruction_id);
    xml.Close();
    xml.Open("Amt");
    out.InstructedAmount(pay.amount_cents, pay.currency);
    xml.Close();
    out.AgentByAba("CdtrAgt", pay.member_bank_aba);
    out.Party("Cdtr", pay.member_name, pay.member_lei);
    out.Account("CdtrAcct", pay.member_account_number);
    out.Remittance(pay.remittance_text);
    xml.Close();  // CdtTrfTxInf
  }
  xml.Close();  // PmtInf
  xml.Close();  // CstmrCdtTrfInitn
  return out.Finish();
}

}  // namespace tc::payments
