// What the settlement-bank simulator (banksim) books for the CCP's payment messages: the
// camt.054 notifications a bank would send back for pain.008 collects and pain.001 pays
// (docs/PAYMENTS_ISO20022.md), with switches that make one member's movements go wrong
// the ways real ones do, so matching and failure handling can be tested without a bank.
//
// One notification per CCP account (the account of the pain messages, sorted, and named
// by it: one Ntfctn per account in a camt.054, so the account number identifies it in
// the message); its entries in the order of the messages and of their instructions. A
// collect is money into the CCP's account (CRDT), a pay money out of it (DBIT); each
// entry books one instruction, with its amount, currency, EndToEndId (our instruction
// ID) and remittance text, booked and valued on `booking_date`.
//
//   BankBehaviour behaviour;
//   behaviour.fail_member_lei = "MEMBERBETA0000000253";  // Beta's debits bounce
//   TC_ASSIGN_OR_RETURN(std::vector<payments::Camt054Notification> notifications,
//                       BookInstructions(messages, behaviour, absl::CivilDay(2026, 12, 2)));
//   TC_ASSIGN_OR_RETURN(std::string camt, payments::WriteCamt054(id, created, notifications));
#ifndef TOKENCLEAR_TOOLS_BANKSIM_BANK_BOOKING_H_
#define TOKENCLEAR_TOOLS_BANKSIM_BANK_BOOKING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "payments/camt054_writer.h"
#include "payments/pain_reader.h"

namespace tc::tools {

// Trouble to simulate, each for the member with that LEI; empty: nobody. A member named
// by several switches: a failure wins (nothing is booked), pending and short combine.
struct BankBehaviour {
  // Its instructions are left out: the bank could not move them (for a collect, a
  // failure to pay).
  std::string fail_member_lei;
  // Its entries are PDNG: announced, not final.
  std::string pending_member_lei;
  // Its entries are booked one cent less than instructed: a mismatch to reconcile.
  std::string shave_cents_member_lei;
};

// INVALID_ARGUMENT when there are no messages, or when a one-cent instruction is to be
// booked one cent short (a booked amount is positive).
absl::StatusOr<std::vector<payments::Camt054Notification>> BookInstructions(
    const std::vector<payments::PainMessage>& messages, const BankBehaviour& behaviour,
    absl::CivilDay booking_date);

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_BANKSIM_BANK_BOOKING_H_
