// Reads a pain.001.001.09 (pays) or pain.008.001.08 (collects) document, as our writers
// write it (pain001_writer.h, pain008_writer.h), back into the header, the CCP and the
// instructions. Two users: the tests, which check the exported XML field by field, and
// the settlement-bank simulator (tools/banksim/), which books what it reads.
//
// The document is untrusted. It is parsed within the XML limits of formats/xml_document.h
// (size, depth, element count, no DTD), its namespace picks the message, and it is
// validated against that message's embedded subset schema (iso20022_schemas.h) before a
// value is read. Then every value is checked as the writers check it (IDs, LEIs, ABAs,
// accounts, currencies, positive amounts with at most 2 decimals, mandates) and the
// message as a whole: exactly one PmtInf, PmtInfId = MsgId, InstrId = EndToEndId, unique
// instruction IDs, one currency, NbOfTxs and CtrlSum (group header and PmtInf) equal to
// the instructions' count and sum. The first problem is INVALID_ARGUMENT
// "pain.001.001.09 refused: CdtTrfTxInf[2] (line 130): PmtId/EndToEndId 'X' differs
// from PmtId/InstrId 'Y'". Never a partial result.
//
// What a message does not carry stays default in each PaymentInstruction: member_id,
// origin and business_date (the remittance text usually names them).
//
//   TC_ASSIGN_OR_RETURN(PainMessage message, ReadPainMessage(contents));
//   for (const PaymentInstruction& p : message.instructions)
//     ... p.direction ... p.instruction_id ... p.amount_cents ... p.member_lei;
#ifndef TOKENCLEAR_PAYMENTS_PAIN_READER_H_
#define TOKENCLEAR_PAYMENTS_PAIN_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "payments/payment_instruction.h"

namespace tc::payments {

struct PainMessage {
  // kPain001Namespace (pays) or kPain008Namespace (collects); every instruction's
  // direction follows from it.
  std::string namespace_uri;
  // MsgId, CreDtTm, and ReqdExctnDt/Dt (pain.001) or ReqdColltnDt (pain.008).
  MessageHeader header;
  // The debtor of a pain.001, the creditor of a pain.008.
  CcpParty ccp;
  std::vector<PaymentInstruction> instructions;  // in document order
  int64_t control_sum_cents = 0;                 // CtrlSum, equal to the instructions' sum
  int64_t number_of_transactions = 0;            // NbOfTxs, equal to instructions.size()
};

absl::StatusOr<PainMessage> ReadPainMessage(absl::string_view xml);

}  // namespace tc::payments

#endif  // TOKENCLEAR_PAYMENTS_PAIN_READER_H_
