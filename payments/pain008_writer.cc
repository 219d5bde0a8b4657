#include "payments/pain008_writer.h"

#include "core/status_macros.h"
#include "payments/iso_message_writer.h"

namespace tc::payments {

absl::StatusOr<std::string> WritePain008(const MessageHeader& header, const CcpParty& ccp,
                                         absl::Span<const PaymentInstruction> collects) {
  TC_ASSIGN_OR_RETURN(BatchTotals totals,
                      CheckBatch(header, ccp, collects, PaymentDirection::kCollect, "collects"));
  IsoMessageWriter out(kPain008Namespace);
  formats::XmlWriter& xml = out.xml();
  out.OpenBatch("CstmrDrctDbtInitn", header, ccp, totals, "DD");
  xml.Leaf("ReqdColltnDt", IsoDate(header.execution_date));
  out.Party("Cdtr", ccp.name, ccp.lei);
  out.Account("CdtrAcct", ccp.account_number);
  out.AgentByAba("CdtrAgt", ccp.bank_aba);
  for (const PaymentInstruction& collect : collects) {
    xml.Open("DrctDbtTxInf");
    out.PaymentId(collect.instruction_id);
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
