// The reconciliation of a payment cycle (clearing.md section E step 10), read-only:
//   (a) instructions against confirmations: confirmed, unconfirmed, pending, and every
//       break (an unmatched or mismatched confirmation, never posted) with its reason;
//   (d) Σ collects - Σ pays of variation margin per currency equals the CCP's rounding
//       residual of the day (zero-sum but for cents);
//   (b) the ledger's cash at the settlement banks equals the bank's confirmed movements:
//       deposits + confirmed collects - confirmed pays.
// `ok` is false when (d) or (b) fails; unconfirmed payments and breaks are reported for
// treasury to chase, not failures of the books.
//
//   TC_ASSIGN_OR_RETURN(tokenclear::v1::Reconciliation recon, Reconcile(tx, day, "EOD"));
#ifndef TOKENCLEAR_SERVICES_CASH_RECONCILIATION_H_
#define TOKENCLEAR_SERVICES_CASH_RECONCILIATION_H_

#include <pqxx/pqxx>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "tokenclear/v1/cash.pb.h"

namespace tc::services {

absl::StatusOr<tokenclear::v1::Reconciliation> Reconcile(pqxx::transaction_base& tx,
                                                         absl::CivilDay day,
                                                         const std::string& cycle);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_CASH_RECONCILIATION_H_
