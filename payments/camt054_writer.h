// A settlement bank's debit/credit notification, ISO 20022 camt.054.001.08, written the
// way our reader (camt054_reader.h) reads it and valid against our subset schema
// (payments/schema/camt.054.001.08.xsd, tested). We never send one: it is what the
// settlement-bank simulator (tools/banksim/) answers to our pain.001 and pain.008 files,
// so confirmations can be tested end to end without a bank.
//
// One Ntfctn per account, one Ntry per booked or pending movement: Amt with Ccy (cents
// written with two decimals, never negative), CdtDbtInd, Sts/Cd, BookgDt/Dt, ValDt/Dt,
// the bank transaction code the schema requires, and per EndToEndId one TxDtls with
// Refs/EndToEndId and the entry's remittance text. Nothing is written unless every field
// is valid: INVALID_ARGUMENT names the first bad one as
// "notifications[i].entries[j].field".
//
//   Camt054Entry entry{.amount_cents = 123456789, .currency = "USD",
//                      .credit_debit = CreditDebit::kCredit, .status = EntryStatus::kBooked,
//                      .booking_date = day, .value_date = day,
//                      .end_to_end_ids = {"COL-20261201-0001"}};
//   Camt054Notification n{.notification_id = "CCP-SETTLE-001",
//                         .account_number = "CCP-SETTLE-001", .entries = {entry}};
//   TC_ASSIGN_OR_RETURN(std::string xml, WriteCamt054("BANK-20261202-1", created, {n}));
#ifndef TOKENCLEAR_PAYMENTS_CAMT054_WRITER_H_
#define TOKENCLEAR_PAYMENTS_CAMT054_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "payments/camt054_reader.h"

namespace tc::payments {

// One Ntry: a movement on the notified account.
struct Camt054Entry {
  int64_t amount_cents = 0;  // > 0: credit_debit gives the direction
  std::string currency;      // ISO 4217 with 2 minor digits (ValidateCurrency)
  CreditDebit credit_debit = CreditDebit::kCredit;  // seen from the notified account
  EntryStatus status = EntryStatus::kBooked;
  absl::CivilDay booking_date;
  absl::CivilDay value_date;
  std::vector<std::string> end_to_end_ids;  // the instructions it books, each max 35
  std::string remittance_text;              // RmtInf/Ustrd of each TxDtls, max 140; may be empty
};

// One Ntfctn: the movements of one account.
struct Camt054Notification {
  std::string notification_id;        // Ntfctn/Id, max 35, unique in the message
  std::string account_number;         // Acct/Id/Othr/Id, max 34
  std::vector<Camt054Entry> entries;  // may be empty: nothing moved
};

// `creation_time` comes from the caller (a flag, a clock seam), never the wall clock, so
// the same inputs give the same bytes.
absl::StatusOr<std::string> WriteCamt054(absl::string_view message_id, absl::Time creation_time,
                                         absl::Span<const Camt054Notification> notifications);

}  // namespace tc::payments

#endif  // TOKENCLEAR_PAYMENTS_CAMT054_WRITER_H_
