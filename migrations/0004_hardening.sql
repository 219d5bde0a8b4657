-- Hardening: every price has a documented ceiling, a feed has one live session, and a
-- held feed sequence number can never be reused for other content.
--
-- Ceilings (core/price_limits.h): 1,000,000,000,000 micro-USD per 1M tokens. Added NOT
-- VALID on tables that may already hold rows: new rows are checked, and code that reads
-- old rows checks them again rather than trusting them.

-- A product's price ceiling; with max_trade_quantity and the multiplier it bounds every
-- notional inside int64 (checked by the service). Existing products get USD 1,000.
ALTER TABLE products ADD COLUMN max_price_micros bigint NOT NULL DEFAULT 1000000000
  CHECK (max_price_micros BETWEEN 1 AND 1000000000000);
ALTER TABLE products ALTER COLUMN max_price_micros DROP DEFAULT;

ALTER TABLE index_values ADD CONSTRAINT index_values_in_range
  CHECK (value_micros BETWEEN 1 AND 1000000000000) NOT VALID;
ALTER TABLE trades ADD CONSTRAINT trades_price_in_range
  CHECK (price_micros BETWEEN 1 AND 1000000000000) NOT VALID;

-- Each logon of a feed starts a new session epoch; a batch carries the epoch of the
-- session that sent it and is refused once a later logon has taken the feed over, even
-- from another server.
ALTER TABLE feeds ADD COLUMN session_epoch bigint NOT NULL DEFAULT 0 CHECK (session_epoch >= 0);

-- What each held sequence number carried: per batch, the 16-byte fingerprints (truncated
-- SHA-256 of the event's bytes) of its new events, in sequence order. A replayed sequence
-- must match its fingerprint.
CREATE TABLE feed_batches (
  feed_id text NOT NULL REFERENCES feeds,
  first_sequence bigint NOT NULL CHECK (first_sequence >= 1),
  last_sequence bigint NOT NULL,
  event_fingerprints bytea NOT NULL,
  PRIMARY KEY (feed_id, first_sequence),
  CHECK (last_sequence >= first_sequence),
  CHECK (length(event_fingerprints) = 16 * (last_sequence - first_sequence + 1))
);
-- Replays are of recent sequences: find the batches that end at or after a sequence.
CREATE INDEX feed_batches_by_last ON feed_batches (feed_id, last_sequence);
CREATE TRIGGER feed_batches_append_only BEFORE UPDATE OR DELETE ON feed_batches
  FOR EACH ROW EXECUTE FUNCTION forbid_change('held feed content is never rewritten');
