#include "payments/pain001_writer.h"

#include "core/status_macros.h"
#include "payments/iso_message_writer.h"

namespace tc::payments {

absl::StatusOr<std::string> WritePain001(const MessageHeader& header, const CcpParty& ccp,
                                         absl::Span<const PaymentInstruction> pays) {
  TC_ASSIGN_OR_RETURN(BatchTotals totals,
                      CheckBatch(header, ccp, pays, PaymentDirection::kPay, "pays"));
  IsoMessageWriter out(kPain001Namespace);
  formats::XmlWriter& xml = out.xml();
  out.OpenBatch("CstmrCdtTrfInitn", header, ccp, totals, "TRF");
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
    out.PaymentId(pay.instruction_id);
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
