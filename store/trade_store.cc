#include "store/trade_store.h"

#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/business_date.h"
#include "core/check.h"
#include "core/identifiers.h"
#include "store/pg_array.h"
#include "store/pg_date.h"

namespace tc::store {
namespace {

using clearing::PositionChange;

Sha256Digest DigestFromHex(const std::string& hex) {
  TC_CHECK(hex.size() == 64) << "stored digest has " << hex.size() << " hex digits";
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  Sha256Digest digest;
  for (size_t i = 0; i < digest.size(); ++i) {
    digest[i] = static_cast<uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return digest;
}

// Timestamps are stored with PostgreSQL's microsecond precision; the payload hash keeps
// the submitted nanoseconds, so idempotency does not depend on it.
std::string TimestampText(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", time, absl::UTCTimeZone());
}

void CopyTrades(pqxx::transaction_base& tx, const std::vector<clearing::NewTradeRow>& rows,
                const std::string& business_date, const std::string& submitted_by) {
  if (rows.empty()) return;
  pqxx::stream_to copy(
      tx, "trades",
      std::vector<std::string>{"trade_id", "instrument_id", "price_micros", "quantity",
                               "buyer_account_id", "seller_account_id", "buyer_effect",
                               "seller_effect", "trade_date", "executed_at", "trade_type",
                               "business_date", "payload_sha256", "submitted_by"});
  // pqxx escapes each field for COPY; the bytea goes in as its "\x..." hex text form.
  for (const clearing::NewTradeRow& row : rows) {
    const clearing::Trade& t = row.trade;
    copy << std::make_tuple(
        t.trade_id, t.instrument_id, t.price_micros, t.quantity, t.buyer_account_id,
        t.seller_account_id, std::string(1, static_cast<char>(t.buyer_effect)),
        std::string(1, static_cast<char>(t.seller_effect)), FormatBusinessDate(t.trade_date),
        TimestampText(t.executed_at), std::string(1, static_cast<char>(t.trade_type)),
        business_date, absl::StrCat("\\x", ToHex(row.payload_hash)), submitted_by);
  }
  copy.complete();
}

void InsertCancellations(pqxx::transaction_base& tx,
                         const std::vector<clearing::CancellationRow>& rows,
                         const std::string& business_date, const std::string& submitted_by) {
  for (const clearing::CancellationRow& row : rows) {
    tx.exec_params(
        "INSERT INTO trade_cancellations (trade_id, kind, replaced_by, reason, payload_sha256,"
        " business_date, submitted_by)"
        " VALUES ($1, $2, nullif($3, ''), $4, decode($5, 'hex'), $6::date, $7)",
        row.trade_id, row.is_correction ? "CORRECTION" : "CANCEL", row.replaced_by, row.reason,
        ToHex(row.payload_hash), business_date, submitted_by);
  }
}

// Positions start at zero; every transaction locks the rows it will change in one order,
// (account, instrument), before changing any, so concurrent batches cannot deadlock.
// `accounts` and `instruments` are parallel array literals in that order.
void EnsureAndLock(pqxx::transaction_base& tx, const std::string& accounts,
                   const std::string& instruments) {
  tx.exec_params(
      "INSERT INTO positions (account_id, instrument_id, long_quantity, short_quantity)"
      " SELECT a, i, 0, 0 FROM unnest($1::text[], $2::text[]) AS u(a, i)"
      " ON CONFLICT (account_id, instrument_id) DO NOTHING",
      accounts, instruments);
  tx.exec_params(
      "SELECT 1 FROM positions p JOIN unnest($1::text[], $2::text[]) AS u(a, i)"
      "  ON p.account_id = u.a AND p.instrument_id = u.i"
      " ORDER BY p.account_id, p.instrument_id FOR UPDATE OF p",
      accounts, instruments);
}

// Applies the aggregated changes to positions that LockPositions has made exist and
// locked. House (netted) and customer (gross) rows take different arithmetic.
absl::Status ApplyPositionChanges(pqxx::transaction_base& tx,
                                  const std::vector<PositionChange>& changes) {
  std::vector<std::string> net_accounts, net_instruments, gross_accounts, gross_instruments;
  std::vector<int64_t> net_deltas, long_deltas, short_deltas;
  for (const PositionChange& c : changes) {
    if (c.netted) {
      net_accounts.push_back(c.account_id);
      net_instruments.push_back(c.instrument_id);
      net_deltas.push_back(c.NetDelta());
    } else {
      gross_accounts.push_back(c.account_id);
      gross_instruments.push_back(c.instrument_id);
      long_deltas.push_back(c.long_delta);
      short_deltas.push_back(c.short_delta);
    }
  }
  if (!net_accounts.empty()) {
    // Both right-hand sides see the old row: new net = long - short + d.
    tx.exec_params(
        "UPDATE positions p SET"
        " long_quantity = greatest(p.long_quantity - p.short_quantity + u.d, 0),"
        " short_quantity = greatest(p.short_quantity - p.long_quantity - u.d, 0),"
        " updated_at = now()"
        " FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(a, i, d)"
        " WHERE p.account_id = u.a AND p.instrument_id = u.i",
        TextArray(net_accounts), TextArray(net_instruments), BigintArray(net_deltas));
  }
  if (gross_accounts.empty()) return absl::OkStatus();
  const std::string accounts = TextArray(gross_accounts);
  const std::string instruments = TextArray(gross_instruments);
  const std::string longs = BigintArray(long_deltas);
  const std::string shorts = BigintArray(short_deltas);
  // Closing more than is open is the caller's error: name it (the CHECK constraints
  // stay as the last line of defence).
  pqxx::result negative = tx.exec_params(
      "SELECT u.a, u.i, p.long_quantity + u.l, p.short_quantity + u.s"
      " FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS u(a, i, l, s)"
      " JOIN positions p ON p.account_id = u.a AND p.instrument_id = u.i"
      " WHERE p.long_quantity + u.l < 0 OR p.short_quantity + u.s < 0 LIMIT 1",
      accounts, instruments, longs, shorts);
  if (!negative.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "account '", negative[0][0].c_str(), "' would hold long ", negative[0][2].c_str(),
        " / short ", negative[0][3].c_str(), " in '", negative[0][1].c_str(),
        "': a CLOSE (or a cancel) cannot take a gross position below zero"));
  }
  tx.exec_params(
      "UPDATE positions p SET long_quantity = p.long_quantity + u.l,"
      " short_quantity = p.short_quantity + u.s, updated_at = now()"
      " FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS u(a, i, l, s)"
      " WHERE p.account_id = u.a AND p.instrument_id = u.i",
      accounts, instruments, longs, shorts);
  return absl::OkStatus();
}

// The read-back half of the open-interest invariant (the write half is the zero-sum
// check in clearing::AggregateChanges).
void CheckOpenInterest(pqxx::transaction_base& tx, const std::vector<PositionChange>& changes) {
  std::set<std::string> instruments;
  for (const PositionChange& c : changes) instruments.insert(c.instrument_id);
  if (instruments.empty()) return;
  pqxx::result unbalanced = tx.exec_params(
      "SELECT instrument_id, sum(long_quantity), sum(short_quantity) FROM positions"
      " WHERE instrument_id = ANY($1::text[]) GROUP BY instrument_id"
      " HAVING sum(long_quantity) <> sum(short_quantity)",
      TextArray(std::vector<std::string>(instruments.begin(), instruments.end())));
  TC_CHECK(unbalanced.empty()) << "open interest out of balance for " << unbalanced[0][0].c_str()
                               << ": long " << unbalanced[0][1].c_str() << " short "
                               << unbalanced[0][2].c_str();
}

}  // namespace

clearing::StoredTrades LoadTrades(pqxx::transaction_base& tx,
                                  const std::vector<std::string>& keys) {
  std::vector<std::string> valid;
  valid.reserve(keys.size());
  for (const std::string& key : keys) {
    if (ValidateIdentifier("key", key).ok()) valid.push_back(key);
  }
  clearing::StoredTrades stored;
  if (valid.empty()) return stored;
  pqxx::result rows = tx.exec_params(
      "SELECT t.trade_id, t.instrument_id, t.price_micros, t.quantity, t.buyer_account_id,"
      " t.seller_account_id, t.buyer_effect, t.seller_effect, t.trade_date,"
      " (extract(epoch FROM t.executed_at) * 1000000)::bigint, t.trade_type, t.business_date,"
      " encode(t.payload_sha256, 'hex'), c.kind, coalesce(c.replaced_by, ''),"
      " encode(c.payload_sha256, 'hex')"
      " FROM trades t LEFT JOIN trade_cancellations c USING (trade_id)"
      " WHERE t.trade_id = ANY($1::text[])",
      TextArray(valid));
  for (const pqxx::row& r : rows) {
    clearing::StoredTrade s;
    clearing::Trade& t = s.trade;
    t.trade_id = r[0].as<std::string>();
    t.instrument_id = r[1].as<std::string>();
    t.price_micros = r[2].as<int64_t>();
    t.quantity = r[3].as<int64_t>();
    t.buyer_account_id = r[4].as<std::string>();
    t.seller_account_id = r[5].as<std::string>();
    t.buyer_effect = static_cast<clearing::PositionEffect>(r[6].c_str()[0]);
    t.seller_effect = static_cast<clearing::PositionEffect>(r[7].c_str()[0]);
    t.trade_date = DateFromField(r[8]);
    t.executed_at = absl::FromUnixMicros(r[9].as<int64_t>());
    t.trade_type = static_cast<clearing::TradeType>(r[10].c_str()[0]);
    s.business_date = DateFromField(r[11]);
    s.payload_hash = DigestFromHex(r[12].as<std::string>());
    if (!r[13].is_null()) {
      s.cancellation = clearing::StoredCancellation{r[13].as<std::string>() == "CORRECTION",
                                                    r[14].as<std::string>(),
                                                    DigestFromHex(r[15].as<std::string>())};
    }
    stored.emplace(t.trade_id, std::move(s));
  }
  return stored;
}

absl::Status WritePlan(pqxx::transaction_base& tx, const clearing::BatchPlan& plan,
                       absl::CivilDay business_date, const std::string& submitted_by) {
  const std::string day = FormatBusinessDate(business_date);
  // Trades first: cancellations of same-batch trades reference them.
  CopyTrades(tx, plan.new_trades, day, submitted_by);
  InsertCancellations(tx, plan.cancellations, day, submitted_by);
  LockPositions(tx, plan.touched_positions);
  if (absl::Status status = ApplyPositionChanges(tx, plan.position_changes); !status.ok()) {
    return status;
  }
  CheckOpenInterest(tx, plan.position_changes);
  return absl::OkStatus();
}

FeedState LockOrCreateFeed(pqxx::transaction_base& tx, const std::string& feed_id,
                           const std::string& principal_id) {
  tx.exec_params(
      "INSERT INTO feeds (feed_id, principal_id, last_sequence) VALUES ($1, $2, 0)"
      " ON CONFLICT (feed_id) DO NOTHING",
      feed_id, principal_id);
  pqxx::row r = tx.exec_params1(
      "SELECT principal_id, last_sequence, session_epoch FROM feeds WHERE feed_id = $1"
      " FOR UPDATE",
      feed_id);
  return FeedState{r[0].as<std::string>(), r[1].as<int64_t>(), r[2].as<int64_t>()};
}

FeedState BeginFeedSession(pqxx::transaction_base& tx, const std::string& feed_id,
                           const std::string& principal_id) {
  FeedState state = LockOrCreateFeed(tx, feed_id, principal_id);
  if (state.principal_id != principal_id) return state;
  state.session_epoch = tx.exec_params1(
                              "UPDATE feeds SET session_epoch = session_epoch + 1"
                              " WHERE feed_id = $1 RETURNING session_epoch",
                              feed_id)[0]
                            .as<int64_t>();
  return state;
}

clearing::HeldFingerprints LoadFeedFingerprints(pqxx::transaction_base& tx,
                                                const std::string& feed_id, int64_t first,
                                                int64_t last) {
  clearing::HeldFingerprints held;
  if (first > last) return held;
  for (const pqxx::row& r :
       tx.exec_params("SELECT first_sequence, encode(event_fingerprints, 'hex') FROM feed_batches"
                      " WHERE feed_id = $1 AND last_sequence >= $2 AND first_sequence <= $3",
                      feed_id, first, last)) {
    const int64_t batch_first = r[0].as<int64_t>();
    const std::string bytes = absl::HexStringToBytes(r[1].as<std::string>());
    const size_t width = clearing::kFeedFingerprintBytes;
    for (size_t offset = 0; offset + width <= bytes.size(); offset += width) {
      const int64_t sequence = batch_first + static_cast<int64_t>(offset / width);
      if (sequence >= first && sequence <= last) held[sequence] = bytes.substr(offset, width);
    }
  }
  return held;
}

void InsertFeedFingerprints(pqxx::transaction_base& tx, const std::string& feed_id,
                            int64_t first_sequence, absl::Span<const std::string> fingerprints) {
  if (fingerprints.empty()) return;
  std::string bytes;
  bytes.reserve(fingerprints.size() * clearing::kFeedFingerprintBytes);
  for (const std::string& f : fingerprints) {
    TC_CHECK_EQ(f.size(), clearing::kFeedFingerprintBytes);
    bytes += f;
  }
  tx.exec_params(
      "INSERT INTO feed_batches (feed_id, first_sequence, last_sequence, event_fingerprints)"
      " VALUES ($1, $2, $3, decode($4, 'hex'))",
      feed_id, first_sequence, first_sequence + static_cast<int64_t>(fingerprints.size()) - 1,
      absl::BytesToHexString(bytes));
}

void LockPositions(pqxx::transaction_base& tx,
                   const std::vector<std::pair<std::string, std::string>>& sorted_keys) {
  if (sorted_keys.empty()) return;
  std::vector<std::string> accounts, instruments;
  for (const auto& [account, instrument] : sorted_keys) {
    accounts.push_back(account);
    instruments.push_back(instrument);
  }
  EnsureAndLock(tx, TextArray(accounts), TextArray(instruments));
}

clearing::NetPositions LockNetPositions(
    pqxx::transaction_base& tx,
    const std::vector<std::pair<std::string, std::string>>& sorted_keys) {
  clearing::NetPositions nets;
  if (sorted_keys.empty()) return nets;
  std::vector<std::string> accounts, instruments;
  for (const auto& [account, instrument] : sorted_keys) {
    accounts.push_back(account);
    instruments.push_back(instrument);
  }
  for (const pqxx::row& r :
       tx.exec_params("SELECT p.account_id, p.instrument_id, p.long_quantity - p.short_quantity"
                      " FROM positions p JOIN unnest($1::text[], $2::text[]) AS u(a, i)"
                      "  ON p.account_id = u.a AND p.instrument_id = u.i"
                      " ORDER BY p.account_id, p.instrument_id FOR UPDATE OF p",
                      TextArray(accounts), TextArray(instruments))) {
    nets[std::make_pair(r[0].as<std::string>(), r[1].as<std::string>())] = r[2].as<int64_t>();
  }
  return nets;
}

std::optional<FeedState> ReadFeed(pqxx::transaction_base& tx, const std::string& feed_id) {
  pqxx::result r = tx.exec_params(
      "SELECT principal_id, last_sequence, session_epoch FROM feeds WHERE feed_id = $1"
      " FOR SHARE",
      feed_id);
  if (r.empty()) return std::nullopt;
  return FeedState{r[0][0].as<std::string>(), r[0][1].as<int64_t>(), r[0][2].as<int64_t>()};
}

void SaveFeed(pqxx::transaction_base& tx, const std::string& feed_id, int64_t last_sequence) {
  tx.exec_params("UPDATE feeds SET last_sequence = $2, updated_at = now() WHERE feed_id = $1",
                 feed_id, last_sequence);
}

}  // namespace tc::store
