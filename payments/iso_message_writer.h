// What pain.001 and pain.008 share: the checks of a batch of instructions (one PmtInf:
// the CCP's account, one date, one currency) and the writing of the common pieces
// (agents by ABA, parties by name and LEI, accounts by number, amounts with Ccy). Used
// by pain001_writer.cc and pain008_writer.cc only.
//
//   TC_ASSIGN_OR_RETURN(BatchTotals totals,
//                       CheckBatch(header, ccp, pays, PaymentDirection::kPay, "pays"));
//   IsoMessageWriter out("urn:iso:std:iso:20022:tech:xsd:pain.001.001.09");
//   out.xml().Open("CstmrCdtTrfInitn"); ... out.InstructedAmount(cents, "USD");
//   std::string document = out.Finish();
#ifndef TOKENCLEAR_PAYMENTS_ISO_MESSAGE_WRITER_H_
#define TOKENCLEAR_PAYMENTS_ISO_MESSAGE_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "formats/xml_document.h"
#include "payments/payment_instruction.h"

namespace tc::payments {

struct BatchTotals {
  int64_t count = 0;
  int64_t control_sum_cents = 0;  // checked sum of the amounts
  std::string currency;           // the one currency of the batch
};

// Checks the header, the CCP and every instruction (direction `expected`, IDs, amounts,
// currency shared by all, names, LEIs, accounts, ABAs, and for collects the mandate).
// Errors are InvalidArgument naming the instruction as `list_name`[index].field.
absl::StatusOr<BatchTotals> CheckBatch(const MessageHeader& header, const CcpParty& ccp,
                                       absl::Span<const PaymentInstruction> instructions,
                                       PaymentDirection expected, absl::string_view list_name);

// formats::XmlWriter with the pieces every ISO 20022 payment message repeats: the
// namespaced Document, amounts with their currency, agents, parties, accounts.
class IsoMessageWriter {
 public:
  // Opens <Document xmlns="`xml_namespace`">.
  explicit IsoMessageWriter(absl::string_view xml_namespace);

  formats::XmlWriter& xml() { return xml_; }

  // Opens `root` and, after the group header (MsgId, CreDtTm, NbOfTxs, CtrlSum, InitgPty),
  // the message's one PmtInf with PmtInfId, PmtMtd `method`, NbOfTxs and CtrlSum. One batch
  // per message (the CCP's one account at the bank, one date), so PmtInfId is the MsgId.
  // The caller closes PmtInf and `root`.
  void OpenBatch(absl::string_view root, const MessageHeader& header, const CcpParty& ccp,
                 const BatchTotals& totals, absl::string_view method);
  // <PmtId><InstrId>id</InstrId><EndToEndId>id</EndToEndId></PmtId>: our instruction ID is
  // both, so a confirmation names the instruction it confirms.
  void PaymentId(absl::string_view instruction_id);

  // <InstdAmt Ccy="currency">units.cents</InstdAmt>; `currency` has been checked.
  void InstructedAmount(int64_t amount_cents, absl::string_view currency);
  // <tag><FinInstnId><ClrSysMmbId><ClrSysId><Cd>USABA</Cd></ClrSysId><MmbId>aba</MmbId>...
  void AgentByAba(absl::string_view tag, absl::string_view aba);
  // <tag><Nm>name</Nm><Id><OrgId><LEI>lei</LEI></OrgId></Id></tag>
  void Party(absl::string_view tag, absl::string_view name, absl::string_view lei);
  // <tag><Id><Othr><Id>account</Id></Othr></Id></tag>
  void Account(absl::string_view tag, absl::string_view account_number);
  // <RmtInf><Ustrd>text</Ustrd></RmtInf>, nothing when `text` is empty.
  void Remittance(absl::string_view text);

  // Closes the Document and returns it.
  std::string Finish();

 private:
  formats::XmlWriter xml_;
};

// "2026-12-01" and "2026-12-01T18:30:00Z".
std::string IsoDate(absl::CivilDay day);
std::string IsoDateTimeUtc(absl::Time time);

}  // namespace tc::payments

#endif  // TOKENCLEAR_PAYMENTS_ISO_MESSAGE_WRITER_H_
