// The CCP's collects as an ISO 20022 customer direct debit initiation, pain.008.001.08,
// for its settlement bank: one PmtInf (the CCP's account as creditor, the collection
// date, one currency), PmtMtd DD, and per collect a DrctDbtTxInf with our instruction ID
// as InstrId and EndToEndId and the member's standing debit mandate (MndtId, DtOfSgntr).
// The output is valid against payments/schema/pain.008.001.08.xsd (tested). Nothing is
// written unless every instruction is valid: INVALID_ARGUMENT names the first bad one as
// "collects[i].field".
//
//   MessageHeader header{.message_id = "TC-COL-20261201-1",
//                        .creation_time = clock.Now(), .execution_date = date};
//   TC_ASSIGN_OR_RETURN(std::string xml, WritePain008(header, ccp, collects));
#ifndef TOKENCLEAR_PAYMENTS_PAIN008_WRITER_H_
#define TOKENCLEAR_PAYMENTS_PAIN008_WRITER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "payments/payment_instruction.h"

namespace tc::payments {

inline constexpr char kPain008Namespace[] = "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08";

absl::StatusOr<std::string> WritePain008(const MessageHeader& header, const CcpParty& ccp,
                                         absl::Span<const PaymentInstruction> collects);

}  // namespace tc::payments

#endif  // TOKENCLEAR_PAYMENTS_PAIN008_WRITER_H_
