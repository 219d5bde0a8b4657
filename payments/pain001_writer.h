// The CCP's pays as an ISO 20022 customer credit transfer initiation, pain.001.001.09,
// for its settlement bank: one PmtInf (the CCP's account, the execution date, one
// currency), PmtMtd TRF, ChrgBr SHAR, and per pay a CdtTrfTxInf whose InstrId and
// EndToEndId are our instruction ID, so the bank's camt.054 confirmation names it. The
// elements filled are listed in docs/PAYMENTS_ISO20022.md; the output is valid against
// payments/schema/pain.001.001.09.xsd (tested). Nothing is written unless every
// instruction is valid: INVALID_ARGUMENT names the first bad one as "pays[i].field".
//
//   MessageHeader header{.message_id = "TC-PAY-20261201-1",
//                        .creation_time = clock.Now(), .execution_date = date};
//   TC_ASSIGN_OR_RETURN(std::string xml, WritePain001(header, ccp, pays));
#ifndef TOKENCLEAR_PAYMENTS_PAIN001_WRITER_H_
#define TOKENCLEAR_PAYMENTS_PAIN001_WRITER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "payments/payment_instruction.h"

namespace tc::payments {

inline constexpr char kPain001Namespace[] = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";

absl::StatusOr<std::string> WritePain001(const MessageHeader& header, const CcpParty& ccp,
                                         absl::Span<const PaymentInstruction> pays);

}  // namespace tc::payments

#endif  // TOKENCLEAR_PAYMENTS_PAIN001_WRITER_H_
