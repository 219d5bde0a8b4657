#include "store/ledger_store.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/check.h"
#include "core/identifiers.h"
#include "core/internal_error.h"
#include "store/pg_array.h"
#include "store/pg_date.h"

namespace tc::store {
namespace {

using settlement::JournalEntry;
using settlement::JournalLine;
using settlement::LedgerAccount;
using settlement::LedgerAccountKind;

// PostgreSQL keeps microseconds; the payload hash does not include the time, so the
// precision cannot break idempotency.
std::string TimestampText(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", time, absl::UTCTimeZone());
}

std::string OriginText(const std::optional<clearing::Origin>& origin) {
  return origin.has_value() ? std::string(settlement::OriginName(*origin)) : "";
}

// An account from five columns: id, kind, member ('' for none), origin ('' for none),
// currency. A kind this build does not know (kinds are rows, a later migration may add
// one) is an internal error, not a crash.
absl::StatusOr<LedgerAccount> AccountFrom(const pqxx::row& r, int first) {
  LedgerAccount account;
  account.ledger_account_id = r[first].as<std::string>();
  const std::string kind = r[first + 1].as<std::string>();
  std::optional<LedgerAccountKind> parsed = settlement::LedgerAccountKindFromName(kind);
  if (!parsed.has_value()) {
    return MarkInternal(absl::InternalError(absl::StrCat(
        "ledger account ", account.ledger_account_id, " has kind ", kind, ", unknown here")));
  }
  account.kind = *parsed;
  account.member_id = r[first + 2].as<std::string>();
  const std::string origin = r[first + 3].as<std::string>();
  if (!origin.empty()) account.origin = settlement::OriginFromName(origin);  // schema: 2 names
  account.currency = r[first + 4].as<std::string>();
  return account;
}

Sha256Digest DigestFromHex(const std::string& hex) {
  const std::string bytes = absl::HexStringToBytes(hex);
  Sha256Digest digest{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), digest.size()), digest.begin());
  return digest;
}

absl::Status DifferentPayload(const std::string& key) {
  return absl::AlreadyExistsError(absl::StrCat(
      "journal entry ", ShortenForMessage(key),
      " was already posted with a different payload; a correction is a reversal and a new key"));
}

// The accounts of `entries`, each once, checked against what is stored under the same
// ids (ids are deterministic, so a stored account with another kind, member or currency
// is a corrupted ledger or a bug); then the missing ones are created.
absl::Status EnsureAccounts(pqxx::transaction_base& tx,
                            const std::vector<const JournalEntry*>& entries,
                            std::vector<std::string>& account_ids) {
  std::map<std::string, const LedgerAccount*> accounts;  // ordered: the lock order below
  std::set<std::string> members;
  for (const JournalEntry* e : entries) {
    for (const JournalLine& line : e->lines) {
      auto [it, inserted] = accounts.emplace(line.account.ledger_account_id, &line.account);
      if (!inserted && !(*it->second == line.account)) {
        return absl::FailedPreconditionError(
            absl::StrCat("ledger account ", it->first, " is named with two different meanings"));
      }
      if (!line.account.member_id.empty()) members.insert(line.account.member_id);
    }
  }
  for (const auto& [id, account] : accounts) account_ids.push_back(id);
  if (!members.empty()) {
    std::vector<std::string> wanted(members.begin(), members.end());
    for (const pqxx::row& r :
         tx.exec_params("SELECT member_id FROM members WHERE member_id = ANY($1::text[])",
                        TextArray(wanted))) {
      members.erase(r[0].as<std::string>());
    }
    if (!members.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("no member ", ShortenForMessage(*members.begin()), " for its cash account"));
    }
  }
  std::set<std::string> missing(account_ids.begin(), account_ids.end());
  for (const pqxx::row& r : tx.exec_params(
           "SELECT ledger_account_id, kind, coalesce(member_id, ''), coalesce(origin, ''),"
           " currency FROM ledger_accounts WHERE ledger_account_id = ANY($1::text[])",
           TextArray(account_ids))) {
    absl::StatusOr<LedgerAccount> stored = AccountFrom(r, 0);
    if (!stored.ok()) return stored.status();
    if (!(*stored == *accounts.at(stored->ledger_account_id))) {
      return MarkInternal(absl::FailedPreconditionError(
          absl::StrCat("ledger account ", stored->ledger_account_id,
                       " is stored with another kind, member, origin or currency")));
    }
    missing.erase(stored->ledger_account_id);
  }
  if (missing.empty()) return absl::OkStatus();
  std::vector<std::string> ids, kinds, member_ids, origins, currencies;
  for (const std::string& id : missing) {
    const LedgerAccount& a = *accounts.at(id);
    ids.push_back(id);
    kinds.emplace_back(settlement::LedgerAccountKindName(a.kind));
    member_ids.push_back(a.member_id);
    origins.push_back(OriginText(a.origin));
    currencies.push_back(a.currency);
  }
  // Concurrent posters may create the same account: the loser's row is simply not needed.
  tx.exec_params(
      "INSERT INTO ledger_accounts (ledger_account_id, kind, member_id, origin, currency)"
      " SELECT i, k, nullif(m, ''), nullif(o, ''), c"
      " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(i, k, m, o, c)"
      " ORDER BY i ON CONFLICT DO NOTHING",
      TextArray(ids), TextArray(kinds), TextArray(member_ids), TextArray(origins),
      TextArray(currencies));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> PostJournalEntries(pqxx::transaction_base& tx,
                                           absl::Span<const JournalEntry> entries,
                                           const std::string& posted_by, absl::Time posted_at) {
  // 1. Every entry checked and hashed before anything is read or written; a key repeated
  //    within the batch is the same entry twice (kept once) or a conflict.
  absl::flat_hash_map<std::string, Sha256Digest> hash_by_key;
  std::vector<const JournalEntry*> unique;
  for (const JournalEntry& entry : entries) {
    if (absl::Status balanced = settlement::CheckBalanced(entry); !balanced.ok()) return balanced;
    const Sha256Digest hash = settlement::PayloadHash(entry);
    auto [it, inserted] = hash_by_key.emplace(entry.idempotency_key, hash);
    if (!inserted) {
      if (it->second != hash) return DifferentPayload(entry.idempotency_key);
      continue;
    }
    unique.push_back(&entry);
  }
  if (unique.empty()) return 0;

  // 2. Which keys are posted already, and with which payload. One statement for all.
  std::vector<std::string> keys, reversed_keys;
  for (const JournalEntry* e : unique) {
    keys.push_back(e->idempotency_key);
    if (!e->reverses_key.empty()) reversed_keys.push_back(e->reverses_key);
  }
  std::set<std::string> posted;
  for (const pqxx::row& r :
       tx.exec_params("SELECT idempotency_key, encode(payload_sha256, 'hex') FROM journal_entries"
                      " WHERE idempotency_key = ANY($1::text[])",
                      TextArray(keys))) {
    const std::string key = r[0].as<std::string>();
    if (DigestFromHex(r[1].as<std::string>()) != hash_by_key.at(key)) {
      return DifferentPayload(key);
    }
    posted.insert(key);
  }
  std::vector<const JournalEntry*> fresh;
  for (const JournalEntry* e : unique) {
    if (!posted.contains(e->idempotency_key)) fresh.push_back(e);
  }
  if (fresh.empty()) return 0;
  // A reversal points at an entry already in the journal (not one of this batch: the
  // entries go in as one statement, which cannot see its own rows).
  if (!reversed_keys.empty()) {
    std::set<std::string> unknown(reversed_keys.begin(), reversed_keys.end());
    for (const pqxx::row& r : tx.exec_params(
             "SELECT idempotency_key FROM journal_entries WHERE idempotency_key = ANY($1::text[])",
             TextArray(reversed_keys))) {
      unknown.erase(r[0].as<std::string>());
    }
    if (!unknown.empty()) {
      return absl::FailedPreconditionError(absl::StrCat("a reversal names journal entry ",
                                                        ShortenForMessage(*unknown.begin()),
                                                        ", which is not in the journal"));
    }
  }

  // 3. Accounts, then the balance rows locked in one order (account id), so that two
  //    transactions posting to the same accounts queue instead of deadlocking in the
  //    balance trigger, which touches them in line order.
  std::vector<std::string> account_ids;
  if (absl::Status s = EnsureAccounts(tx, fresh, account_ids); !s.ok()) return s;
  const std::string account_array = TextArray(account_ids);  // sorted
  tx.exec_params(
      "INSERT INTO ledger_balances (ledger_account_id, balance_cents, line_count)"
      " SELECT a, 0, 0 FROM unnest($1::text[]) AS a ORDER BY a ON CONFLICT DO NOTHING",
      account_array);
  tx.exec_params(
      "SELECT 1 FROM ledger_balances WHERE ledger_account_id = ANY($1::text[])"
      " ORDER BY ledger_account_id FOR UPDATE",
      account_array);

  // 4. The entries in one statement, then every line of every entry in one more.
  std::vector<std::string> dates, kinds, descriptions, steps, hashes, reverses;
  keys.clear();
  for (const JournalEntry* e : fresh) {
    keys.push_back(e->idempotency_key);
    dates.push_back(DateParam(e->business_date));
    kinds.push_back(e->kind);
    descriptions.push_back(e->description);
    steps.push_back(e->eod_step);
    hashes.push_back(ToHex(hash_by_key.at(e->idempotency_key)));
    reverses.push_back(e->reverses_key);
  }
  absl::flat_hash_map<std::string, int64_t> entry_ids;
  for (const pqxx::row& r : tx.exec_params(
           "INSERT INTO journal_entries (idempotency_key, payload_sha256, business_date, kind,"
           " description, eod_step, reverses_entry_id, posted_by, posted_at)"
           " SELECT u.k, decode(u.h, 'hex'), u.d::date, u.kind, u.descr, nullif(u.step, ''),"
           "  r.entry_id, $8, $9::timestamptz"
           " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
           "  $6::text[], $7::text[]) WITH ORDINALITY AS u(k, h, d, kind, descr, step, rev, n)"
           " LEFT JOIN journal_entries r ON r.idempotency_key = nullif(u.rev, '')"
           " ORDER BY u.n RETURNING entry_id, idempotency_key",
           TextArray(keys), TextArray(hashes), TextArray(dates), TextArray(kinds),
           TextArray(descriptions), TextArray(steps), TextArray(reverses), posted_by,
           TimestampText(posted_at))) {
    entry_ids.emplace(r[1].as<std::string>(), r[0].as<int64_t>());
  }
  TC_CHECK_EQ(entry_ids.size(), fresh.size());
  std::vector<int64_t> line_entry_ids, line_numbers, amounts;
  std::vector<std::string> line_accounts;
  for (const JournalEntry* e : fresh) {
    for (size_t i = 0; i < e->lines.size(); ++i) {
      line_entry_ids.push_back(entry_ids.at(e->idempotency_key));
      line_numbers.push_back(static_cast<int64_t>(i + 1));
      line_accounts.push_back(e->lines[i].account.ledger_account_id);
      amounts.push_back(e->lines[i].amount_cents);
    }
  }
  const pqxx::result lines = tx.exec_params(
      "INSERT INTO journal_lines (entry_id, line_no, ledger_account_id, amount_cents)"
      " SELECT e, n::integer, a, c FROM unnest($1::bigint[], $2::bigint[], $3::text[],"
      "  $4::bigint[]) AS u(e, n, a, c)",
      BigintArray(line_entry_ids), BigintArray(line_numbers), TextArray(line_accounts),
      BigintArray(amounts));
  TC_CHECK_EQ(lines.affected_rows(), line_entry_ids.size());
  // The database checks each entry's balance again at commit (a deferred trigger).
  return static_cast<int64_t>(fresh.size());
}

std::vector<LedgerBalanceRow> LoadLedgerBalances(pqxx::transaction_base& tx,
                                                 const LedgerBalanceFilter& filter) {
  std::vector<LedgerBalanceRow> rows;
  const std::string kind =
      filter.kind.has_value() ? std::string(settlement::LedgerAccountKindName(*filter.kind)) : "";
  for (const pqxx::row& r : tx.exec_params(
           "SELECT a.ledger_account_id, a.kind, coalesce(a.member_id, ''), coalesce(a.origin, ''),"
           " a.currency, coalesce(b.balance_cents, 0), coalesce(b.line_count, 0), b.last_entry_id"
           " FROM ledger_accounts a LEFT JOIN ledger_balances b USING (ledger_account_id)"
           " WHERE ($1 = '' OR a.member_id = $1) AND ($2 = '' OR a.kind = $2)"
           " ORDER BY a.ledger_account_id",
           filter.member_id, kind)) {
    absl::StatusOr<LedgerAccount> account = AccountFrom(r, 0);
    // A kind added by a later migration and unknown to this build is left out of typed
    // rows; the ledger check still covers its lines.
    if (!account.ok()) continue;
    LedgerBalanceRow row;
    row.account = *std::move(account);
    row.balance_cents = r[5].as<int64_t>();
    row.line_count = r[6].as<int64_t>();
    if (!r[7].is_null()) row.last_entry_id = r[7].as<int64_t>();
    rows.push_back(std::move(row));
  }
  return rows;
}

absl::StatusOr<JournalPage> LoadJournal(pqxx::transaction_base& tx, const JournalQuery& query) {
  TC_CHECK(query.limit > 0) << "journal page of " << query.limit;
  JournalPage page;
  const std::string from = query.from.has_value() ? DateParam(*query.from) : "";
  const std::string to = query.to.has_value() ? DateParam(*query.to) : "";
  // nullif keeps ''::date from ever being evaluated for an absent bound.
  const pqxx::result heads = tx.exec_params(
      "SELECT e.entry_id, e.idempotency_key, encode(e.payload_sha256, 'hex'),"
      " e.business_date::text, e.kind, e.description, coalesce(e.eod_step, ''),"
      " e.reverses_entry_id, coalesce(r.idempotency_key, ''), e.posted_by,"
      " (extract(epoch FROM e.posted_at) * 1000000)::bigint"
      " FROM journal_entries e LEFT JOIN journal_entries r ON r.entry_id = e.reverses_entry_id"
      " WHERE e.entry_id > $1"
      " AND ($2 = '' OR e.business_date >= nullif($2, '')::date)"
      " AND ($3 = '' OR e.business_date <= nullif($3, '')::date)"
      " AND ($4 = '' OR EXISTS (SELECT 1 FROM journal_lines l"
      "  WHERE l.entry_id = e.entry_id AND l.ledger_account_id = $4))"
      " AND ($5 = '' OR EXISTS (SELECT 1 FROM journal_lines l JOIN ledger_accounts a"
      "  USING (ledger_account_id) WHERE l.entry_id = e.entry_id AND a.member_id = $5))"
      " ORDER BY e.entry_id LIMIT $6",
      query.after_entry_id, from, to, query.ledger_account_id, query.member_id, query.limit);
  if (heads.empty()) return page;
  std::vector<int64_t> ids;
  absl::flat_hash_map<int64_t, size_t> index_of;
  for (const pqxx::row& r : heads) {
    StoredJournalEntry stored;
    stored.entry_id = r[0].as<int64_t>();
    stored.entry.idempotency_key = r[1].as<std::string>();
    stored.payload_sha256 = DigestFromHex(r[2].as<std::string>());
    stored.entry.business_date = DateFromField(r[3]);
    stored.entry.kind = r[4].as<std::string>();
    stored.entry.description = r[5].as<std::string>();
    stored.entry.eod_step = r[6].as<std::string>();
    if (!r[7].is_null()) stored.reverses_entry_id = r[7].as<int64_t>();
    stored.entry.reverses_key = r[8].as<std::string>();
    stored.posted_by = r[9].as<std::string>();
    stored.posted_at = absl::FromUnixMicros(r[10].as<int64_t>());
    ids.push_back(stored.entry_id);
    index_of.emplace(stored.entry_id, page.entries.size());
    page.entries.push_back(std::move(stored));
  }
  for (const pqxx::row& r :
       tx.exec_params("SELECT l.entry_id, a.ledger_account_id, a.kind, coalesce(a.member_id, ''),"
                      " coalesce(a.origin, ''), a.currency, l.amount_cents"
                      " FROM journal_lines l JOIN ledger_accounts a USING (ledger_account_id)"
                      " WHERE l.entry_id = ANY($1::bigint[]) ORDER BY l.entry_id, l.line_no",
                      BigintArray(ids))) {
    absl::StatusOr<LedgerAccount> account = AccountFrom(r, 1);
    if (!account.ok()) return account.status();
    page.entries[index_of.at(r[0].as<int64_t>())].entry.lines.push_back(
        {*std::move(account), r[6].as<int64_t>()});
  }
  // The read end of the invariant: what was balanced when written must still be, and
  // must still be what was hashed.
  for (const StoredJournalEntry& stored : page.entries) {
    if (absl::Status balanced = settlement::CheckBalanced(stored.entry); !balanced.ok()) {
      return MarkInternal(absl::DataLossError(
          absl::StrCat("stored journal entry ", stored.entry_id, ": ", balanced.message())));
    }
    if (settlement::PayloadHash(stored.entry) != stored.payload_sha256) {
      return MarkInternal(absl::DataLossError(absl::StrCat("stored journal entry ", stored.entry_id,
                                                           " does not match its payload hash")));
    }
  }
  if (static_cast<int>(page.entries.size()) == query.limit) {
    page.next_after_entry_id = page.entries.back().entry_id;
  }
  return page;
}

LedgerCheck CheckLedger(pqxx::transaction_base& tx) {
  LedgerCheck check;
  auto problem = [&](std::string text) {
    if (static_cast<int>(check.problems.size()) < kMaxLedgerProblems) {
      check.problems.push_back(std::move(text));
    }
  };
  check.entries = tx.exec1("SELECT count(*) FROM journal_entries")[0].as<int64_t>();
  // Sums as numeric (PostgreSQL's sum of bigint), so the check itself cannot overflow.
  for (const pqxx::row& r :
       tx.exec("WITH per_currency AS ("
               "  SELECT l.entry_id, a.currency, sum(l.amount_cents) AS total, count(*) AS n"
               "  FROM journal_lines l JOIN ledger_accounts a USING (ledger_account_id)"
               "  GROUP BY l.entry_id, a.currency)"
               " SELECT e.entry_id, e.idempotency_key, coalesce(sum(p.n), 0)::bigint,"
               "  coalesce(string_agg(p.currency || ' ' || p.total, ', ')"
               "   FILTER (WHERE p.total <> 0), '')"
               " FROM journal_entries e LEFT JOIN per_currency p USING (entry_id)"
               " GROUP BY e.entry_id, e.idempotency_key"
               " HAVING coalesce(sum(p.n), 0) < 2 OR bool_or(p.total <> 0)"
               " ORDER BY e.entry_id")) {
    ++check.unbalanced_entries;
    const std::string sums = r[3].as<std::string>();
    problem(absl::StrCat("journal entry ", r[0].as<int64_t>(), " (", r[1].as<std::string>(), ") ",
                         sums.empty() ? absl::StrCat("has ", r[2].as<int64_t>(), " line(s)")
                                      : absl::StrCat("does not balance: ", sums)));
  }
  for (const pqxx::row& r :
       tx.exec("WITH sums AS (SELECT ledger_account_id, sum(amount_cents) AS total, count(*) AS n"
               "  FROM journal_lines GROUP BY ledger_account_id)"
               " SELECT ledger_account_id, coalesce(b.balance_cents::numeric, 0)::text,"
               "  coalesce(s.total, 0)::text, coalesce(b.line_count, 0), coalesce(s.n, 0)"
               " FROM ledger_balances b FULL JOIN sums s USING (ledger_account_id)"
               " WHERE coalesce(b.balance_cents::numeric, 0) <> coalesce(s.total, 0)"
               "  OR coalesce(b.line_count, 0) <> coalesce(s.n, 0)"
               " ORDER BY ledger_account_id")) {
    ++check.balance_mismatches;
    problem(absl::StrCat("ledger account ", r[0].as<std::string>(), ": ledger_balances says ",
                         r[1].as<std::string>(), " cents in ", r[3].as<int64_t>(),
                         " line(s), the journal ", r[2].as<std::string>(), " cents in ",
                         r[4].as<int64_t>()));
  }
  for (const pqxx::row& r :
       tx.exec("SELECT e.business_date::text, a.kind, a.currency, sum(l.amount_cents)::text"
               " FROM journal_lines l JOIN journal_entries e USING (entry_id)"
               " JOIN ledger_accounts a USING (ledger_account_id)"
               " WHERE a.kind IN ('CCP_VM_SETTLEMENT', 'CCP_FINAL_SETTLEMENT')"
               " GROUP BY e.business_date, a.kind, a.currency HAVING sum(l.amount_cents) <> 0"
               " ORDER BY 1, 2, 3")) {
    ++check.vm_settlement_nonzero_dates;
    problem(absl::StrCat(r[1].as<std::string>(), " ", r[2].as<std::string>(), " on ",
                         r[0].as<std::string>(), " nets to ", r[3].as<std::string>(),
                         " cents, not zero"));
  }
  for (const pqxx::row& r : tx.exec(
           "WITH marks AS ("
           "  SELECT business_date, pass, kind, instrument_id, amount_micros"
           "  FROM vm_position_marks UNION ALL"
           "  SELECT business_date, pass, kind, instrument_id, amount_micros FROM vm_trade_marks),"
           " exact AS (SELECT m.business_date, m.pass, m.kind, p.currency,"
           "  sum(m.amount_micros) AS total FROM marks m JOIN instruments i USING (instrument_id)"
           "  JOIN products p USING (product_code) GROUP BY 1, 2, 3, 4),"
           " cash AS (SELECT business_date, pass, kind, currency, sum(cents) AS total FROM ("
           "  SELECT business_date, pass, kind, currency, amount_cents AS cents"
           "  FROM vm_origin_totals UNION ALL"
           "  SELECT business_date, pass, kind, currency, ccp_rounding_cents FROM vm_rounding)"
           "  c GROUP BY 1, 2, 3, 4)"
           " SELECT business_date::text, kind, currency, 'marks', total::text FROM exact"
           "  WHERE total <> 0"
           " UNION ALL SELECT business_date::text, kind, currency, 'cash', total::text FROM cash"
           "  WHERE total <> 0 ORDER BY 1, 2, 3, 4")) {
    ++check.variation_margin_nonzero_dates;
    problem(absl::StrCat("variation margin ", r[1].as<std::string>(), " ", r[2].as<std::string>(),
                         " on ", r[0].as<std::string>(), ": the ", r[3].as<std::string>(),
                         " sum to ", r[4].as<std::string>(), ", not zero"));
  }
  return check;
}

}  // namespace tc::store
