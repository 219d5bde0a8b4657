-- End-of-day settlement: settlement prices with four-eyes approval, the end-of-day run
-- (one run per business date, its steps and what each recorded), frozen positions,
-- variation margin, and the double-entry cash ledger (docs/SETTLEMENT.md).
--
-- Money in the ledger is in cents (bigint); variation margin is computed exactly in
-- micro-USD and rounded once per (member, origin, currency) (settlement/cash_cents.h).

ALTER TABLE principals DROP CONSTRAINT principals_role_check;
ALTER TABLE principals ADD CONSTRAINT principals_role_check
  CHECK (role IN ('ADMIN', 'EXCHANGE', 'MEMBER', 'TREASURY', 'REGULATOR', 'INDEX_PROVIDER'));

-- What the exchange submitted as the day's settlement price of a contract month. A
-- resubmission must carry the same price; a changed price goes through treasury.
CREATE TABLE exchange_settlement_prices (
  business_date date NOT NULL,
  instrument_id text NOT NULL REFERENCES instruments,
  price_micros bigint NOT NULL CHECK (price_micros BETWEEN 1 AND 1000000000000),
  submitted_by text NOT NULL,
  submitted_at timestamptz NOT NULL,
  PRIMARY KEY (business_date, instrument_id)
);
CREATE TRIGGER exchange_settlement_prices_append_only
  BEFORE UPDATE OR DELETE ON exchange_settlement_prices
  FOR EACH ROW EXECUTE FUNCTION forbid_change('a submitted price is kept');

-- A proposed set of settlement prices for a business date. Versions count up from 1; a
-- correction is a new version. Only the status moves: PROPOSED -> APPROVED -> LOCKED
-- (by the end-of-day run), or -> SUPERSEDED by a later version.
CREATE TABLE settlement_price_sets (
  business_date date NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  status text NOT NULL CHECK (status IN ('PROPOSED', 'APPROVED', 'LOCKED', 'SUPERSEDED')),
  proposed_by text NOT NULL,
  proposed_at timestamptz NOT NULL,
  approved_by text,
  approved_at timestamptz,
  inputs_sha256 bytea NOT NULL CHECK (length(inputs_sha256) = 32),
  PRIMARY KEY (business_date, version),
  -- Four eyes, enforced here and not only by the service.
  CHECK (approved_by IS NULL OR approved_by <> proposed_by),
  CHECK ((status = 'PROPOSED') = (approved_by IS NULL) OR status = 'SUPERSEDED'),
  CHECK ((approved_by IS NULL) = (approved_at IS NULL))
);
-- At most one set per date in force (approved or locked), and one proposal pending.
CREATE UNIQUE INDEX one_price_set_in_force ON settlement_price_sets (business_date)
  WHERE status IN ('APPROVED', 'LOCKED');
CREATE UNIQUE INDEX one_price_set_pending ON settlement_price_sets (business_date)
  WHERE status = 'PROPOSED';

CREATE FUNCTION keep_price_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.business_date <> OLD.business_date OR NEW.version <> OLD.version
     OR NEW.proposed_by <> OLD.proposed_by OR NEW.inputs_sha256 <> OLD.inputs_sha256
     OR (OLD.approved_by IS NOT NULL AND NEW.approved_by IS DISTINCT FROM OLD.approved_by) THEN
    RAISE EXCEPTION 'settlement price set % v% is immutable; only its status may move',
      OLD.business_date, OLD.version USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NOT ((OLD.status = 'PROPOSED' AND NEW.status IN ('APPROVED', 'SUPERSEDED'))
          OR (OLD.status = 'APPROVED' AND NEW.status IN ('LOCKED', 'SUPERSEDED'))
          OR (OLD.status = 'LOCKED' AND NEW.status = 'SUPERSEDED')
          OR OLD.status = NEW.status) THEN
    RAISE EXCEPTION 'settlement price set % v%: % -> % is not a transition',
      OLD.business_date, OLD.version, OLD.status, NEW.status
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER settlement_price_sets_keep BEFORE UPDATE ON settlement_price_sets
  FOR EACH ROW EXECUTE FUNCTION keep_price_set();
CREATE TRIGGER settlement_price_sets_no_delete BEFORE DELETE ON settlement_price_sets
  FOR EACH ROW EXECUTE FUNCTION forbid_change('price sets are kept; supersede instead');

-- The prices of a set, each tagged with the tier that made it. FINAL is the final
-- settlement price of a month expiring that day (the index fixing, unrounded).
CREATE TABLE settlement_prices (
  business_date date NOT NULL,
  version integer NOT NULL,
  instrument_id text NOT NULL REFERENCES instruments,
  price_micros bigint NOT NULL CHECK (price_micros BETWEEN 1 AND 1000000000000),
  tier text NOT NULL CHECK (tier IN ('EXCHANGE', 'VWAP', 'INDEX_ADJUSTED', 'CARRIED', 'FINAL')),
  previous_settlement_micros bigint CHECK (previous_settlement_micros BETWEEN 1 AND 1000000000000),
  PRIMARY KEY (business_date, version, instrument_id),
  FOREIGN KEY (business_date, version) REFERENCES settlement_price_sets
);
CREATE TRIGGER settlement_prices_append_only BEFORE UPDATE OR DELETE ON settlement_prices
  FOR EACH ROW EXECUTE FUNCTION forbid_change('prices are corrected by a new version');

-- The end-of-day run of a business date: one row, moved on by the run's steps. The
-- runner also holds a session advisory lock on the date while it works, so a second run
-- of the same date (from this server or another) is refused rather than interleaved.
CREATE TABLE eod_runs (
  business_date date PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('RUNNING', 'STOPPED', 'FAILED', 'COMPLETE')),
  steps_done integer NOT NULL CHECK (steps_done >= 0),
  started_by text NOT NULL,
  started_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  message text NOT NULL DEFAULT '',
  price_version integer,
  next_business_date date
);

-- One row per step done, written in the step's own transaction with what it wrote, so
-- a step is either wholly done (row present) or not at all. inputs_sha256 is the hash
-- of everything the step read, outputs_sha256 of the rows it wrote (canonical order).
CREATE TABLE eod_steps (
  business_date date NOT NULL REFERENCES eod_runs,
  step_no integer NOT NULL CHECK (step_no >= 1),
  step text NOT NULL,
  inputs_sha256 bytea NOT NULL CHECK (length(inputs_sha256) = 32),
  outputs_sha256 bytea NOT NULL CHECK (length(outputs_sha256) = 32),
  rows_written bigint NOT NULL CHECK (rows_written >= 0),
  run_by text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  PRIMARY KEY (business_date, step_no),
  UNIQUE (business_date, step)
);
CREATE TRIGGER eod_steps_append_only BEFORE UPDATE OR DELETE ON eod_steps
  FOR EACH ROW EXECUTE FUNCTION forbid_change('a finished step is a record');

-- Positions frozen at end of day: start of day (the previous date's end of day, less
-- expired months) + bought - sold = end of day, per account and contract month.
CREATE TABLE eod_positions (
  business_date date NOT NULL,
  account_id text NOT NULL,
  instrument_id text NOT NULL,
  sod_long bigint NOT NULL CHECK (sod_long >= 0),
  sod_short bigint NOT NULL CHECK (sod_short >= 0),
  bought bigint NOT NULL CHECK (bought >= 0),
  sold bigint NOT NULL CHECK (sold >= 0),
  eod_long bigint NOT NULL CHECK (eod_long >= 0),
  eod_short bigint NOT NULL CHECK (eod_short >= 0),
  PRIMARY KEY (business_date, account_id, instrument_id)
);

-- Variation margin per carried position (kind DAILY) or expiring position (FINAL), and
-- per trade leg of the day; exact micro-USD, positive = the account collects.
CREATE TABLE vm_position_marks (
  business_date date NOT NULL,
  account_id text NOT NULL,
  instrument_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('DAILY', 'FINAL')),
  long_quantity bigint NOT NULL,
  short_quantity bigint NOT NULL,
  previous_settlement_micros bigint NOT NULL,
  settlement_micros bigint NOT NULL,
  amount_micros bigint NOT NULL,
  PRIMARY KEY (business_date, account_id, instrument_id)
);
CREATE TABLE vm_trade_marks (
  business_date date NOT NULL,
  trade_id text NOT NULL,
  side "char" NOT NULL CHECK (side IN ('B', 'S')),
  account_id text NOT NULL,
  instrument_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('DAILY', 'FINAL')),
  signed_quantity bigint NOT NULL,
  price_micros bigint NOT NULL,
  settlement_micros bigint NOT NULL,
  amount_micros bigint NOT NULL,
  PRIMARY KEY (business_date, trade_id, side)
);
-- Per member, origin and currency: the exact sum and the cash, rounded once.
CREATE TABLE vm_origin_totals (
  business_date date NOT NULL,
  kind text NOT NULL CHECK (kind IN ('DAILY', 'FINAL')),
  member_id text NOT NULL,
  origin text NOT NULL CHECK (origin IN ('HOUSE', 'CUSTOMER')),
  currency char(3) NOT NULL,
  amount_micros bigint NOT NULL,
  amount_cents bigint NOT NULL,
  PRIMARY KEY (business_date, kind, member_id, origin, currency)
);
-- Per currency: what the CCP's rounding account collects (+) or pays (-).
CREATE TABLE vm_rounding (
  business_date date NOT NULL,
  kind text NOT NULL CHECK (kind IN ('DAILY', 'FINAL')),
  currency char(3) NOT NULL,
  ccp_rounding_cents bigint NOT NULL,
  PRIMARY KEY (business_date, kind, currency)
);
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['eod_positions', 'vm_position_marks', 'vm_trade_marks',
                           'vm_origin_totals', 'vm_rounding'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW '
                   'EXECUTE FUNCTION forbid_change(%L)',
                   t || '_append_only', t, 'end-of-day results are records');
  END LOOP;
END $$;

-- The ledger. Kinds are rows, not schema: collateral, fees and the guaranty fund are
-- more kinds and more accounts. Per-member kinds carry a member and an origin.
CREATE TABLE ledger_account_kinds (
  kind text PRIMARY KEY CHECK (kind ~ '^[A-Z][A-Z_]{0,63}$'),
  per_member boolean NOT NULL,
  description text NOT NULL
);
INSERT INTO ledger_account_kinds VALUES
  ('MEMBER_CASH', true, 'what the CCP owes the member (credit) or is owed (debit), per origin'),
  ('CCP_VM_SETTLEMENT', false, 'the CCP side of daily variation margin; nets to zero each day'),
  ('CCP_FINAL_SETTLEMENT', false, 'the CCP side of final settlement cash at expiry'),
  ('CCP_ROUNDING', false, 'the rounding residual of cash rounded to cents'),
  ('SETTLEMENT_BANK', false, 'cash at the settlement bank: pays and collects');

CREATE TABLE ledger_accounts (
  ledger_account_id text PRIMARY KEY CHECK (ledger_account_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
  kind text NOT NULL REFERENCES ledger_account_kinds,
  member_id text REFERENCES members,
  origin text CHECK (origin IN ('HOUSE', 'CUSTOMER')),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  CHECK ((member_id IS NULL) = (origin IS NULL)),
  UNIQUE (kind, member_id, origin, currency)
);
CREATE TRIGGER ledger_accounts_no_change BEFORE UPDATE OR DELETE ON ledger_accounts
  FOR EACH ROW EXECUTE FUNCTION forbid_change('ledger accounts are kept');

-- A journal entry: lines in cents (positive = debit, negative = credit), balanced per
-- currency. Append-only; a correction is a new entry that reverses the old one.
CREATE TABLE journal_entries (
  entry_id bigserial PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  payload_sha256 bytea NOT NULL CHECK (length(payload_sha256) = 32),
  business_date date NOT NULL,
  kind text NOT NULL CHECK (kind ~ '^[A-Z][A-Z_]{0,63}$'),
  description text NOT NULL,
  eod_step text,
  reverses_entry_id bigint UNIQUE REFERENCES journal_entries,
  posted_by text NOT NULL,
  posted_at timestamptz NOT NULL
);
CREATE INDEX journal_entries_by_date ON journal_entries (business_date);

CREATE TABLE journal_lines (
  entry_id bigint NOT NULL REFERENCES journal_entries,
  line_no integer NOT NULL CHECK (line_no >= 1),
  ledger_account_id text NOT NULL REFERENCES ledger_accounts,
  amount_cents bigint NOT NULL CHECK (amount_cents <> 0),
  PRIMARY KEY (entry_id, line_no)
);
CREATE INDEX journal_lines_by_account ON journal_lines (ledger_account_id, entry_id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['journal_entries', 'journal_lines'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW '
                   'EXECUTE FUNCTION forbid_change(%L)',
                   t || '_append_only', t, 'the journal is append-only; reverse instead');
  END LOOP;
END $$;

-- Every entry balances per currency, with at least two lines: checked at commit, so an
-- entry and its lines can be written in any order within one transaction.
CREATE FUNCTION check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  id bigint := NEW.entry_id;
  line_count integer;
  unbalanced text;
BEGIN
  SELECT count(*) INTO line_count FROM journal_lines WHERE entry_id = id;
  IF line_count < 2 THEN
    RAISE EXCEPTION 'journal entry % has % line(s); an entry needs at least two', id, line_count
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT string_agg(s.currency || ' ' || s.total, ', ') INTO unbalanced
  FROM (SELECT a.currency, sum(l.amount_cents) AS total
        FROM journal_lines l JOIN ledger_accounts a USING (ledger_account_id)
        WHERE l.entry_id = id GROUP BY a.currency HAVING sum(l.amount_cents) <> 0) s;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'journal entry % does not balance: %', id, unbalanced
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_entry_balanced();
CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_entry_balanced();

-- Balances kept in step with the journal by the database itself; the ledger check
-- recomputes them from the lines.
CREATE TABLE ledger_balances (
  ledger_account_id text PRIMARY KEY REFERENCES ledger_accounts,
  balance_cents bigint NOT NULL,
  line_count bigint NOT NULL CHECK (line_count >= 0),
  last_entry_id bigint
);

CREATE FUNCTION keep_ledger_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_balances AS b VALUES (NEW.ledger_account_id, NEW.amount_cents, 1, NEW.entry_id)
  ON CONFLICT (ledger_account_id) DO UPDATE
    SET balance_cents = b.balance_cents + excluded.balance_cents,
        line_count = b.line_count + 1,
        last_entry_id = greatest(b.last_entry_id, excluded.last_entry_id);
  RETURN NULL;
END $$;
CREATE TRIGGER journal_lines_keep_balance AFTER INSERT ON journal_lines
  FOR EACH ROW EXECUTE FUNCTION keep_ledger_balance();
