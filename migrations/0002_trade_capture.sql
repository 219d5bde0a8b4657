-- Cleared trades, cancellations and corrections, positions and exchange feeds.
--
-- A row of `trades` is one novated trade: the CCP bought from the seller and sold to
-- the buyer at the same price and quantity, so the two cleared legs are the row read
-- from each side (see the `cleared_legs` view). Trades are append-only; a bust or a
-- replace is a row of `trade_cancellations`, never an update.
--
-- Validation happens in the service against the reference snapshot; trades carry no
-- foreign keys to reference tables, which are never deleted (0001), so that ingestion
-- pays for one primary-key index only.

CREATE TABLE trades (
  trade_id text PRIMARY KEY,
  instrument_id text NOT NULL,
  price_micros bigint NOT NULL CHECK (price_micros > 0),
  quantity bigint NOT NULL CHECK (quantity > 0),
  buyer_account_id text NOT NULL,
  seller_account_id text NOT NULL,
  buyer_effect "char" NOT NULL CHECK (buyer_effect IN ('O', 'C')),
  seller_effect "char" NOT NULL CHECK (seller_effect IN ('O', 'C')),
  trade_date date NOT NULL,
  executed_at timestamptz NOT NULL,
  trade_type "char" NOT NULL CHECK (trade_type IN ('R', 'B', 'E')),
  business_date date NOT NULL,
  payload_sha256 bytea NOT NULL CHECK (length(payload_sha256) = 32),
  submitted_by text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  CHECK (buyer_account_id <> seller_account_id)
);
CREATE TRIGGER trades_append_only BEFORE UPDATE OR DELETE ON trades
  FOR EACH ROW EXECUTE FUNCTION forbid_change('trades are append-only; cancel instead');
CREATE INDEX trades_by_buyer ON trades (buyer_account_id, trade_date);
CREATE INDEX trades_by_seller ON trades (seller_account_id, trade_date);

CREATE TABLE trade_cancellations (
  trade_id text PRIMARY KEY REFERENCES trades,
  kind text NOT NULL CHECK (kind IN ('CANCEL', 'CORRECTION')),
  replaced_by text UNIQUE REFERENCES trades,
  reason text NOT NULL DEFAULT '',
  payload_sha256 bytea NOT NULL CHECK (length(payload_sha256) = 32),
  business_date date NOT NULL,
  submitted_by text NOT NULL,
  cancelled_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'CORRECTION') = (replaced_by IS NOT NULL)),
  CHECK (replaced_by IS NULL OR replaced_by <> trade_id)
);
CREATE TRIGGER trade_cancellations_append_only BEFORE UPDATE OR DELETE ON trade_cancellations
  FOR EACH ROW EXECUTE FUNCTION forbid_change('cancellations are final');

-- House accounts are net (one of long/short is zero); customer accounts are gross.
CREATE TABLE positions (
  account_id text NOT NULL,
  instrument_id text NOT NULL,
  long_quantity bigint NOT NULL CHECK (long_quantity >= 0),
  short_quantity bigint NOT NULL CHECK (short_quantity >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, instrument_id)
);
CREATE INDEX positions_by_instrument ON positions (instrument_id);

-- One row per exchange feed: the last sequence number durably applied.
CREATE TABLE feeds (
  feed_id text PRIMARY KEY,
  principal_id text NOT NULL,
  last_sequence bigint NOT NULL CHECK (last_sequence >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE VIEW trade_status AS
  SELECT t.trade_id,
         CASE WHEN c.kind IS NULL THEN 'CLEARED'
              WHEN c.kind = 'CANCEL' THEN 'CANCELLED'
              ELSE 'CORRECTED' END AS status,
         c.replaced_by
  FROM trades t LEFT JOIN trade_cancellations c USING (trade_id);

-- The two legs of every novated trade, each against the CCP.
CREATE VIEW cleared_legs AS
  SELECT t.trade_id, t.buyer_account_id AS account_id, 'BUY' AS side, t.instrument_id,
         t.quantity, t.price_micros, t.trade_date, t.executed_at, t.business_date
  FROM trades t
  UNION ALL
  SELECT t.trade_id, t.seller_account_id, 'SELL', t.instrument_id,
         t.quantity, t.price_micros, t.trade_date, t.executed_at, t.business_date
  FROM trades t;

CREATE VIEW open_interest AS
  SELECT instrument_id, sum(long_quantity)::bigint AS total_long,
         sum(short_quantity)::bigint AS total_short
  FROM positions GROUP BY instrument_id;
