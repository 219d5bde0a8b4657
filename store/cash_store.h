// Treasury cash in PostgreSQL (migrations/0008_treasury_cash.sql): the CCP's and the
// members' bank accounts, collateral classes, securities and prices, collateral
// movements and valuations, obligations, payment instructions and the files that carry
// them, confirmations and breaks, and member flags. One function per statement, inside
// the caller's transaction; the money itself lives in the ledger (store/ledger_store.h).
//
//   std::optional<CollateralMovementRow> held = FindCollateralMovement(tx, key);
//   if (!held) { ... PostJournalEntries(tx, {entry}, ...); InsertCollateralMovement(tx, row); }
//   std::vector<PaymentInstructionRow> due = LoadInstructions(tx, {.business_date = day});
#ifndef TOKENCLEAR_STORE_CASH_STORE_H_
#define TOKENCLEAR_STORE_CASH_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <tuple>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clearing/reference_data.h"
#include "settlement/collateral.h"
#include "settlement/obligations.h"

namespace tc::store {

// (member, origin, currency): the key of everything kept per member origin.
using OriginKey = std::tuple<std::string, clearing::Origin, std::string>;

struct TreasurySettingsRow {
  std::string ccp_name;
  std::string ccp_lei;
  int32_t collect_deadline_seconds = 3600;
  int64_t intraday_call_threshold_cents = 0;
};
TreasurySettingsRow LoadTreasurySettings(pqxx::transaction_base& tx);
// Returns 1 when a value changed.
int64_t SaveTreasurySettings(pqxx::transaction_base& tx, const TreasurySettingsRow& row);

struct CcpBankAccountRow {
  std::string bank_aba;
  std::string currency;
  std::string account_number;
};
struct MemberBankAccountRow {
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency;
  std::string bank_aba;
  std::string account_number;
  std::string mandate_id;
  absl::CivilDay mandate_signed;
};
// Upserts; each returns 1 when a row was inserted or changed, 0 when it was as given.
int64_t UpsertCcpBankAccount(pqxx::transaction_base& tx, const CcpBankAccountRow& row);
int64_t UpsertMemberBankAccount(pqxx::transaction_base& tx, const MemberBankAccountRow& row);
// The class and exactly `haircuts` as its schedule.
int64_t UpsertCollateralClass(pqxx::transaction_base& tx, const settlement::CollateralClass& row,
                              const std::string& description);

struct CollateralSecurityRow {
  std::string security_id;
  std::string class_code;
  std::string currency;
  absl::CivilDay maturity_date;
  std::string description;
};
int64_t UpsertCollateralSecurity(pqxx::transaction_base& tx, const CollateralSecurityRow& row);

std::vector<CcpBankAccountRow> LoadCcpBankAccounts(pqxx::transaction_base& tx);
std::map<OriginKey, MemberBankAccountRow> LoadMemberBankAccounts(pqxx::transaction_base& tx);
std::vector<settlement::CollateralClass> LoadCollateralClasses(pqxx::transaction_base& tx);
std::optional<CollateralSecurityRow> FindCollateralSecurity(pqxx::transaction_base& tx,
                                                            const std::string& security_id);

enum class MovementKind {
  kCashDeposit,
  kCashWithdrawal,
  kSecuritiesDeposit,
  kSecuritiesWithdrawal
};
absl::string_view MovementKindName(MovementKind kind);  // "CASH_DEPOSIT", ...

struct CollateralMovementRow {
  int64_t movement_id = 0;  // assigned on insert
  std::string idempotency_key;
  std::string payload_sha256_hex;
  absl::CivilDay business_date;
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  MovementKind kind = MovementKind::kCashDeposit;
  std::string currency;
  int64_t amount_cents = 0;
  std::string security_id;  // securities only
  std::string journal_key;
  std::string requested_by;
  absl::Time requested_at;
};
std::optional<CollateralMovementRow> FindCollateralMovement(pqxx::transaction_base& tx,
                                                            const std::string& key);
// Returns the movement id.
int64_t InsertCollateralMovement(pqxx::transaction_base& tx, const CollateralMovementRow& row);
// By movement id; empty member = all.
std::vector<CollateralMovementRow> ListCollateralMovements(pqxx::transaction_base& tx,
                                                           const std::string& member_id);

// Cash collateral per member origin: the credit balance of its MEMBER_COLLATERAL_CASH
// account over entries dated on or before `as_of` (positive = held for the member).
std::map<OriginKey, int64_t> LoadCashCollateral(pqxx::transaction_base& tx, absl::CivilDay as_of);
// Securities held per member origin (deposits less withdrawals dated on or before
// `as_of`), keyed by the security's currency; positive face values only.
std::map<OriginKey, std::vector<settlement::SecurityHolding>> LoadSecuritiesHeld(
    pqxx::transaction_base& tx, absl::CivilDay as_of);

// Inserts the prices of `day`; a price already loaded with the same value is skipped,
// with another value FAILED_PRECONDITION naming it (prices are records). Returns the
// number of new rows.
absl::StatusOr<int64_t> InsertCollateralPrices(pqxx::transaction_base& tx, absl::CivilDay day,
                                               const std::vector<settlement::SecurityPrice>& prices,
                                               const std::string& loaded_by);
std::vector<settlement::SecurityPrice> LoadCollateralPrices(pqxx::transaction_base& tx,
                                                            absl::CivilDay day);

struct ValuationRow {
  absl::CivilDay business_date;
  int pass = 1;
  settlement::OriginValuation valuation;
};
void InsertValuations(pqxx::transaction_base& tx, absl::CivilDay day, int pass,
                      const std::vector<settlement::OriginValuation>& rows);
// The latest pass of `day`'s valuations, by member, origin, currency.
std::vector<settlement::OriginValuation> LoadValuations(pqxx::transaction_base& tx,
                                                        absl::CivilDay day);
// Each member origin's most recent valuation on or before `as_of`.
std::map<OriginKey, ValuationRow> LoadLatestValuations(pqxx::transaction_base& tx,
                                                       absl::CivilDay as_of);

// The cash of variation margin and final settlement per member origin of `day`'s pass
// (vm_origin_totals, DAILY + FINAL), CashCall sign: + = the member receives.
std::map<OriginKey, int64_t> LoadVmCents(pqxx::transaction_base& tx, absl::CivilDay day, int pass);
// Σ rounding residual of `day`'s pass per currency (what the CCP's rounding account took).
std::map<std::string, int64_t> LoadRoundingCents(pqxx::transaction_base& tx, absl::CivilDay day,
                                                 int pass);
// Initial-margin calls instructed and not yet confirmed, per member origin, leaving out
// the cycle (`day`, `cycle`) itself.
std::map<OriginKey, int64_t> LoadPendingCalls(pqxx::transaction_base& tx, absl::CivilDay day,
                                              const std::string& cycle);
// Cash withdrawals dated on or before `as_of` that no final obligation has released yet.
std::map<OriginKey, int64_t> LoadUnreleasedWithdrawals(pqxx::transaction_base& tx,
                                                       absl::CivilDay as_of);

enum class ObligationStage { kIndicative, kFinal };
absl::string_view ObligationStageName(ObligationStage stage);  // "INDICATIVE", "FINAL"

struct ObligationRow {
  absl::CivilDay business_date;
  std::string cycle;
  ObligationStage stage = ObligationStage::kIndicative;
  int pass = 1;
  settlement::Obligation obligation;
};
void InsertObligations(pqxx::transaction_base& tx, const std::vector<ObligationRow>& rows,
                       absl::Time computed_at);
struct ObligationQuery {
  absl::CivilDay business_date;
  std::string cycle;
  std::optional<ObligationStage> stage;
  std::string member_id;  // empty = all
};
// By stage, pass, member, origin, currency.
std::vector<ObligationRow> LoadObligations(pqxx::transaction_base& tx, const ObligationQuery& q);
// The highest pass of the cycle's rows of `stage`, or nullopt when there are none.
std::optional<int> LatestObligationPass(pqxx::transaction_base& tx, absl::CivilDay day,
                                        const std::string& cycle, ObligationStage stage);

enum class InstructionStatus { kInstructed, kConfirmed };
struct PaymentInstructionRow {
  std::string instruction_id;
  absl::CivilDay business_date;
  std::string cycle;
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency;
  bool collect = true;  // a direct debit of the member; else a credit transfer to it
  int64_t amount_cents = 0;
  int64_t vm_cents = 0;
  int64_t im_call_cents = 0;
  int64_t release_cents = 0;
  std::string bank_aba;
  std::string member_account_number;
  std::string ccp_account_number;
  std::string mandate_id;
  absl::CivilDay mandate_signed;
  absl::Time created_at;
  absl::Time deadline_at;
  std::string message_id;  // empty before export
  InstructionStatus status = InstructionStatus::kInstructed;
  std::optional<absl::Time> confirmed_at;
  std::string confirmation_fingerprint;
  std::string confirmation_reference;
  std::string journal_key;
};
void InsertInstruction(pqxx::transaction_base& tx, const PaymentInstructionRow& row);
struct InstructionQuery {
  std::optional<absl::CivilDay> business_date;
  std::string cycle;      // empty = all
  std::string member_id;  // empty = all
  std::optional<InstructionStatus> status;
  bool for_update = false;
};
// The instructions of one cycle.
inline InstructionQuery CycleInstructions(absl::CivilDay day, const std::string& cycle,
                                          bool for_update = false) {
  InstructionQuery q;
  q.business_date = day;
  q.cycle = cycle;
  q.for_update = for_update;
  return q;
}
// Collects first, then pays, each by instruction id.
std::vector<PaymentInstructionRow> LoadInstructions(pqxx::transaction_base& tx,
                                                    const InstructionQuery& q);
// By id, locked for update; the ids not found are left out.
std::vector<PaymentInstructionRow> LoadInstructionsById(pqxx::transaction_base& tx,
                                                        const std::vector<std::string>& ids);
void MarkExported(pqxx::transaction_base& tx, const std::vector<std::string>& ids,
                  const std::string& message_id);
void MarkConfirmed(pqxx::transaction_base& tx, const std::string& id, absl::Time at,
                   const std::string& fingerprint, const std::string& reference,
                   const std::string& journal_key);

struct PaymentMessageRow {
  std::string message_id;
  absl::CivilDay business_date;
  std::string cycle;
  std::string bank_aba;
  std::string message_type;
  int instruction_count = 0;
  int64_t control_sum_cents = 0;
  std::string document_sha256_hex;
  std::string document;
  absl::Time created_at;
};
void InsertPaymentMessage(pqxx::transaction_base& tx, const PaymentMessageRow& row);
std::vector<PaymentMessageRow> LoadPaymentMessages(pqxx::transaction_base& tx, absl::CivilDay day,
                                                   const std::string& cycle);

struct ConfirmationRow {
  int64_t confirmation_id = 0;
  std::string source;  // "GRPC" or "CAMT054"
  std::string source_key;
  std::string fingerprint;
  std::vector<std::string> end_to_end_ids;
  int64_t amount_cents = 0;
  std::string currency;
  std::string account_id;
  std::string credit_debit;  // "CRDT" / "DBIT"
  std::string entry_status;  // "BOOK" / "PDNG"
  std::string outcome;       // "CONFIRMS", "ALREADY_CONFIRMED", "PENDING", "BREAK"
  std::string break_reason;  // empty unless BREAK
  std::string detail;
  std::string received_by;
  absl::Time received_at;
};
void InsertConfirmation(pqxx::transaction_base& tx, const ConfirmationRow& row);
std::optional<ConfirmationRow> FindConfirmation(pqxx::transaction_base& tx,
                                                const std::string& source,
                                                const std::string& source_key);
// The confirmations of a camt.054 file (source keys "<msg id>/...") or every break whose
// end-to-end ids name an instruction of the cycle, or name none we know (unknown).
std::vector<ConfirmationRow> LoadConfirmationsWithPrefix(pqxx::transaction_base& tx,
                                                         const std::string& source,
                                                         const std::string& key_prefix);
std::vector<ConfirmationRow> LoadBreaks(pqxx::transaction_base& tx);

struct CamtFileRow {
  std::string message_id;
  std::string document_sha256_hex;
  int entries = 0;
};
std::optional<CamtFileRow> FindCamtFile(pqxx::transaction_base& tx, const std::string& message_id);
void InsertCamtFile(pqxx::transaction_base& tx, const CamtFileRow& row,
                    const std::string& received_by, absl::Time at);

struct MemberFlagRow {
  int64_t flag_id = 0;
  std::string member_id;
  std::string flag;  // "FAILURE_TO_PAY"
  std::string instruction_id;
  std::string reason;
  absl::Time raised_at;
  std::string raised_by;
  std::optional<absl::Time> cured_at;
  std::string cured_by;
};
// Inserts unless the instruction already raised the flag; returns the row when inserted.
std::optional<MemberFlagRow> RaiseFlag(pqxx::transaction_base& tx, const MemberFlagRow& row);
// Cures the open flags raised by `instruction_id`; returns the members cured.
std::vector<std::string> CureFlags(pqxx::transaction_base& tx, const std::string& instruction_id,
                                   const std::string& cured_by, absl::Time at);
// By flag id; empty member = all.
std::vector<MemberFlagRow> ListFlags(pqxx::transaction_base& tx, const std::string& member_id,
                                     bool open_only);
bool HasOpenFlag(pqxx::transaction_base& tx, const std::string& member_id);

// Intraday prices of a cycle; a resend of the same prices is a no-op, other prices
// FAILED_PRECONDITION (a cycle's prices are records). Returns the rows inserted.
absl::StatusOr<int64_t> InsertIntradayPrices(pqxx::transaction_base& tx, absl::CivilDay day,
                                             const std::string& cycle,
                                             const std::map<std::string, int64_t>& prices_micros);

// Σ of the SETTLEMENT_BANK accounts' lines per currency (debit = cash at the banks).
std::map<std::string, int64_t> LoadBankLedgerCents(pqxx::transaction_base& tx);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_CASH_STORE_H_
