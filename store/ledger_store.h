// PostgreSQL access for the double-entry ledger (migrations/0005_settlement.sql): posting
// journal entries planned by settlement/ledger.h, reading balances and the journal back,
// and the ledger check. Like the other stores, every function runs inside the caller's
// transaction. The database enforces balance per entry at commit, append-only lines and
// entries, and keeps ledger_balances in step; this file checks the same rules at both
// ends (CheckBalanced before the write, again on every entry read back) and the check
// recomputes everything from the lines.
//
//   pool.Transact({}, [&](pqxx::work& tx) -> absl::Status {
//     TC_ASSIGN_OR_RETURN(int64_t posted,
//                         PostJournalEntries(tx, entries, "eod", clock.Now()));
//     TC_ASSIGN_OR_RETURN(JournalPage page, LoadJournal(tx, {.member_id = "CM01"}));
//     LedgerCheck check = CheckLedger(tx);   // check.ok(), check.problems
//     return absl::OkStatus();
//   });
#ifndef TOKENCLEAR_STORE_LEDGER_STORE_H_
#define TOKENCLEAR_STORE_LEDGER_STORE_H_

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "core/sha256.h"
#include "settlement/ledger.h"

namespace tc::store {

// Posts `entries` inside the caller's transaction, creating missing ledger accounts.
// Idempotent per entry: a key already posted with the same payload hash is skipped (and
// counted), with a different hash it is ALREADY_EXISTS naming the key. Every entry is
// checked (settlement::CheckBalanced) before anything is written: FAILED_PRECONDITION
// otherwise, and also when a reversal names an entry not in the journal. On any error
// nothing has been written. The lines of all entries go in one statement, so thousands
// of entries take a handful of round trips. Returns how many entries were new.
// Database failures (an unknown member, a lost connection) throw, as in every store.
absl::StatusOr<int64_t> PostJournalEntries(pqxx::transaction_base& tx,
                                           absl::Span<const settlement::JournalEntry> entries,
                                           const std::string& posted_by, absl::Time posted_at);

struct LedgerBalanceRow {
  settlement::LedgerAccount account;
  int64_t balance_cents = 0;  // + debit, - credit
  int64_t line_count = 0;
  std::optional<int64_t> last_entry_id;  // none for an account without lines
};

struct LedgerBalanceFilter {
  std::string member_id;  // empty = every account, CCP accounts included
  std::optional<settlement::LedgerAccountKind> kind;
};

// Every ledger account matching the filter (accounts without lines show zero), ordered
// by account id.
std::vector<LedgerBalanceRow> LoadLedgerBalances(pqxx::transaction_base& tx,
                                                 const LedgerBalanceFilter& filter);

struct StoredJournalEntry {
  int64_t entry_id = 0;
  settlement::JournalEntry entry;  // lines in line order
  Sha256Digest payload_sha256{};
  std::optional<int64_t> reverses_entry_id;
  std::string posted_by;
  absl::Time posted_at;
};

struct JournalQuery {
  std::optional<absl::CivilDay> from;  // business dates, inclusive
  std::optional<absl::CivilDay> to;
  std::string ledger_account_id;  // empty = any: entries with a line on the account
  std::string member_id;          // empty = any: entries with a line of the member
  int64_t after_entry_id = 0;     // the page token: entries after this id
  int limit = 100;
};

struct JournalPage {
  std::vector<StoredJournalEntry> entries;     // by entry id
  std::optional<int64_t> next_after_entry_id;  // set when the page is full
};

// The entries matching `query`, each with all its lines. The read end of the invariant:
// every entry read back must pass CheckBalanced and match its stored payload hash;
// otherwise DATA_LOSS (marked internal) naming the entry, never a crash.
absl::StatusOr<JournalPage> LoadJournal(pqxx::transaction_base& tx, const JournalQuery& query);

struct LedgerCheck {
  int64_t entries = 0;
  int64_t unbalanced_entries = 0;  // fewer than two lines or a currency not summing to 0
  int64_t balance_mismatches = 0;  // ledger_balances row != the sum of its lines
  // (business date, currency) where CCP_VM_SETTLEMENT or CCP_FINAL_SETTLEMENT does not
  // net to zero.
  int64_t vm_settlement_nonzero_dates = 0;
  // (business date, kind, currency) where the stored variation margin marks do not sum to
  // exactly zero, or the members' cash and the CCP's rounding residual do not.
  int64_t variation_margin_nonzero_dates = 0;
  std::vector<std::string> problems;  // one sentence each, at most kMaxLedgerProblems

  bool ok() const {
    return unbalanced_entries == 0 && balance_mismatches == 0 && vm_settlement_nonzero_dates == 0 &&
           variation_margin_nonzero_dates == 0;
  }
};

inline constexpr int kMaxLedgerProblems = 100;

// Recomputes the ledger from journal_lines: every entry balanced, ledger_balances equal
// to the sums and counts of the lines, the CCP settlement accounts net to zero per
// business date and currency, and the variation margin of every date is zero-sum (exact
// marks, and cash with the rounding residual). Independent of the triggers that should
// make it pass.
LedgerCheck CheckLedger(pqxx::transaction_base& tx);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_LEDGER_STORE_H_
