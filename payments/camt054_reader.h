// The settlement bank's confirmations, ISO 20022 bank-to-customer debit/credit
// notification camt.054.001.08, read into one BankNotification per entry (Ntry). The
// file is untrusted: it is first validated against our subset schema
// (payments/schema/camt.054.001.08.xsd, embedded), so an unexpected element or order is
// a clear error; then every entry's values are checked and ALL bad entries are named by
// position ("Ntfctn[0].Ntry[3]: Amt '12.345' has more than 2 decimals; ..."). Either
// every entry is returned or none: a partial confirmation could post half a day.
//
//   TC_ASSIGN_OR_RETURN(std::vector<BankNotification> entries, ReadCamt054(contents));
//   for (const BankNotification& e : entries)
//     if (e.status == EntryStatus::kBooked) ... e.end_to_end_ids ... e.amount_cents;
#ifndef TOKENCLEAR_PAYMENTS_CAMT054_READER_H_
#define TOKENCLEAR_PAYMENTS_CAMT054_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace tc::payments {

inline constexpr char kCamt054Namespace[] = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08";

enum class CreditDebit {
  kCredit,  // CRDT: money into the notified account
  kDebit,   // DBIT: money out of it
};

enum class EntryStatus {
  kBooked,   // BOOK: final
  kPending,  // PDNG: announced, not final: never a ledger posting
};

struct BankNotification {
  int notification_index = 0;   // position of the Ntfctn in the document
  int entry_index = 0;          // position of the Ntry in its Ntfctn
  std::string notification_id;  // Ntfctn/Id
  std::string account_id;       // Ntfctn/Acct/Id/Othr/Id (or IBAN)
  int64_t amount_cents = 0;     // Ntry/Amt, > 0
  std::string currency;         // Ntry/Amt/@Ccy
  CreditDebit credit_debit = CreditDebit::kCredit;
  EntryStatus status = EntryStatus::kBooked;
  std::optional<absl::CivilDay> booking_date;  // BookgDt/Dt
  std::optional<absl::CivilDay> value_date;    // ValDt/Dt
  std::vector<std::string> end_to_end_ids;     // every NtryDtls/TxDtls/Refs/EndToEndId, in order
};

absl::StatusOr<std::vector<BankNotification>> ReadCamt054(absl::string_view xml);

}  // namespace tc::payments

#endif  // TOKENCLEAR_PAYMENTS_CAMT054_READER_H_
