-- Treasury cash (docs/TREASURY_CASH.md): collateral, obligations, payment instructions to
-- the settlement banks, their confirmations and breaks, and the failure-to-pay flag.
-- Every cash or securities movement is a journal entry in the ledger of 0005 (more
-- account kinds, no new ledger schema); these tables hold what the entries do not: who
-- asked, the bank details, the instructions' life and the reconciliation.

INSERT INTO ledger_account_kinds VALUES
  ('MEMBER_COLLATERAL_CASH', true, 'cash collateral the CCP holds for the member (credit), per origin'),
  ('MEMBER_COLLATERAL_SECURITIES', true,
   'securities collateral held for the member, at face value (credit), per origin'),
  ('CUSTODIAN_SECURITIES', false, 'securities the CCP holds at its custodian, at face value');

-- The CCP itself and the settings of the cash cycle (one row).
CREATE TABLE treasury_settings (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  ccp_name text NOT NULL CHECK (length(ccp_name) BETWEEN 1 AND 140),
  ccp_lei char(20) NOT NULL CHECK (ccp_lei ~ '^[A-Z0-9]{18}[0-9]{2}$'),
  -- A collect not confirmed this many seconds after its instruction is a failure to pay.
  collect_deadline_seconds integer NOT NULL CHECK (collect_deadline_seconds BETWEEN 1 AND 604800),
  -- Intraday, a deficit is called only above this many cents (end of day: every cent).
  intraday_call_threshold_cents bigint NOT NULL CHECK (intraday_call_threshold_cents >= 0)
);
INSERT INTO treasury_settings VALUES
  (true, 'tokenclear CCP', '5493001KJTIIGC8Y1R12', 3600, 100000);

-- The CCP's account at each settlement bank, per currency: collects land there, pays
-- leave from there, and each bank's camt.054 notifies it.
CREATE TABLE ccp_bank_accounts (
  bank_aba char(9) NOT NULL CHECK (bank_aba ~ '^[0-9]{9}$'),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  account_number text NOT NULL CHECK (account_number ~ '^[A-Za-z0-9-]{1,34}$'),
  PRIMARY KEY (bank_aba, currency),
  UNIQUE (account_number, currency)
);

-- Each member's settlement account per origin and currency, with its standing direct
-- debit mandate (collects are debited from it, pays credited to it).
CREATE TABLE member_bank_accounts (
  member_id text NOT NULL REFERENCES members,
  origin text NOT NULL CHECK (origin IN ('HOUSE', 'CUSTOMER')),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  bank_aba char(9) NOT NULL CHECK (bank_aba ~ '^[0-9]{9}$'),
  account_number text NOT NULL CHECK (account_number ~ '^[A-Za-z0-9-]{1,34}$'),
  mandate_id text NOT NULL CHECK (mandate_id ~ '^[A-Za-z0-9._:-]{1,35}$'),
  mandate_signed date NOT NULL,
  PRIMARY KEY (member_id, origin, currency),
  FOREIGN KEY (bank_aba, currency) REFERENCES ccp_bank_accounts (bank_aba, currency)
);

-- Non-cash collateral: classes with a haircut schedule by time to maturity and a
-- concentration limit (the share of the origin's requirement the class may cover).
CREATE TABLE collateral_classes (
  class_code text PRIMARY KEY CHECK (class_code ~ '^[A-Z][A-Z0-9_]{0,31}$'),
  description text NOT NULL,
  concentration_limit_bps integer NOT NULL CHECK (concentration_limit_bps BETWEEN 0 AND 10000)
);
CREATE TABLE collateral_haircuts (
  class_code text NOT NULL REFERENCES collateral_classes,
  max_days_to_maturity integer NOT NULL CHECK (max_days_to_maturity > 0),
  haircut_bps integer NOT NULL CHECK (haircut_bps BETWEEN 0 AND 10000),
  PRIMARY KEY (class_code, max_days_to_maturity)
);
CREATE TABLE collateral_securities (
  security_id text PRIMARY KEY CHECK (security_id ~ '^[A-Z0-9]{9,12}$'),
  class_code text NOT NULL REFERENCES collateral_classes,
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  maturity_date date NOT NULL,
  description text NOT NULL
);
-- End-of-day prices the treasury loads, per million of face (995000 = 99.5%).
CREATE TABLE collateral_prices (
  security_id text NOT NULL REFERENCES collateral_securities,
  price_date date NOT NULL,
  price_ppm bigint NOT NULL CHECK (price_ppm > 0 AND price_ppm <= 10000000),
  loaded_by text NOT NULL,
  PRIMARY KEY (security_id, price_date)
);
CREATE TRIGGER collateral_prices_kept BEFORE UPDATE OR DELETE ON collateral_prices
  FOR EACH ROW EXECUTE FUNCTION forbid_change('a collateral price is a record; load another date');

-- Deposits and withdrawals, cash or securities: idempotent on the key with the hash of
-- the request; each is posted as the journal entry it names.
CREATE TABLE collateral_movements (
  movement_id bigserial PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE CHECK (idempotency_key ~ '^[A-Za-z0-9._:-]{1,64}$'),
  payload_sha256 bytea NOT NULL CHECK (length(payload_sha256) = 32),
  business_date date NOT NULL,
  member_id text NOT NULL REFERENCES members,
  origin text NOT NULL CHECK (origin IN ('HOUSE', 'CUSTOMER')),
  kind text NOT NULL CHECK (kind IN ('CASH_DEPOSIT', 'CASH_WITHDRAWAL', 'SECURITIES_DEPOSIT',
                                     'SECURITIES_WITHDRAWAL')),
  currency char(3) NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),  -- cash, or face value
  security_id text REFERENCES collateral_securities,
  journal_key text NOT NULL REFERENCES journal_entries (idempotency_key),
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL,
  CHECK ((security_id IS NOT NULL) = (kind LIKE 'SECURITIES%'))
);
CREATE INDEX collateral_movements_by_member ON collateral_movements (member_id, origin);

-- Collateral valued at end of day (the run's COLLATERAL_VALUATION step), per pass.
CREATE TABLE collateral_valuations (
  business_date date NOT NULL,
  pass integer NOT NULL CHECK (pass >= 1),
  member_id text NOT NULL,
  origin text NOT NULL CHECK (origin IN ('HOUSE', 'CUSTOMER')),
  currency char(3) NOT NULL,
  cash_cents bigint NOT NULL,
  securities_market_cents bigint NOT NULL,
  securities_after_haircut_cents bigint NOT NULL,
  securities_counted_cents bigint NOT NULL,
  value_cents bigint NOT NULL,
  requirement_cents bigint NOT NULL,
  excess_cents bigint NOT NULL,
  PRIMARY KEY (business_date, pass, member_id, origin, currency)
);

-- What each member must pay or receive per cycle: INDICATIVE from the end-of-day run
-- (each pass), FINAL when treasury instructs the cycle. Both kept.
CREATE TABLE obligations (
  business_date date NOT NULL,
  cycle text NOT NULL CHECK (cycle ~ '^(EOD|INTRADAY[1-9][0-9]?)$'),
  stage text NOT NULL CHECK (stage IN ('INDICATIVE', 'FINAL')),
  pass integer NOT NULL CHECK (pass >= 1),
  member_id text NOT NULL,
  origin text NOT NULL CHECK (origin IN ('HOUSE', 'CUSTOMER')),
  currency char(3) NOT NULL,
  vm_cents bigint NOT NULL,
  requirement_cents bigint NOT NULL,
  collateral_value_cents bigint NOT NULL,
  pending_call_cents bigint NOT NULL,
  deficit_cents bigint NOT NULL,
  im_call_cents bigint NOT NULL CHECK (im_call_cents >= 0),
  release_cents bigint NOT NULL CHECK (release_cents >= 0),
  net_cents bigint NOT NULL CHECK (net_cents = vm_cents - im_call_cents + release_cents),
  computed_at timestamptz NOT NULL,
  PRIMARY KEY (business_date, cycle, stage, pass, member_id, origin, currency)
);

-- One instruction per final obligation with a nonzero net: a collect (direct debit of
-- the member) or a pay (credit transfer to it). INSTRUCTED until the bank's booking
-- confirms it; then CONFIRMED, final, and posted.
CREATE TABLE payment_instructions (
  instruction_id text PRIMARY KEY CHECK (instruction_id ~ '^[A-Za-z0-9._:-]{1,35}$'),
  business_date date NOT NULL,
  cycle text NOT NULL,
  member_id text NOT NULL REFERENCES members,
  origin text NOT NULL CHECK (origin IN ('HOUSE', 'CUSTOMER')),
  currency char(3) NOT NULL,
  direction text NOT NULL CHECK (direction IN ('COLLECT', 'PAY')),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  vm_cents bigint NOT NULL,
  im_call_cents bigint NOT NULL,
  release_cents bigint NOT NULL,
  bank_aba char(9) NOT NULL,
  member_account_number text NOT NULL,
  ccp_account_number text NOT NULL,
  mandate_id text NOT NULL,
  mandate_signed date NOT NULL,
  created_at timestamptz NOT NULL,
  deadline_at timestamptz NOT NULL,
  message_id text,           -- the pain file that carries it, once exported
  status text NOT NULL CHECK (status IN ('INSTRUCTED', 'CONFIRMED')),
  confirmed_at timestamptz,
  confirmation_fingerprint text,
  confirmation_reference text,
  journal_key text,
  CHECK ((direction = 'COLLECT') = (vm_cents - im_call_cents + release_cents < 0)),
  CHECK (amount_cents = abs(vm_cents - im_call_cents + release_cents)),
  CHECK ((status = 'CONFIRMED') = (confirmed_at IS NOT NULL AND journal_key IS NOT NULL)),
  UNIQUE (business_date, cycle, member_id, origin, currency)
);
CREATE INDEX payment_instructions_by_status ON payment_instructions (status, direction);

-- Only the life of an instruction may change: export names its file once, and
-- INSTRUCTED -> CONFIRMED once.
CREATE FUNCTION keep_payment_instruction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (to_jsonb(NEW) - ARRAY['message_id', 'status', 'confirmed_at', 'confirmation_fingerprint',
                            'confirmation_reference', 'journal_key'])
     <> (to_jsonb(OLD) - ARRAY['message_id', 'status', 'confirmed_at',
                               'confirmation_fingerprint', 'confirmation_reference',
                               'journal_key'])
     OR (OLD.message_id IS NOT NULL AND NEW.message_id IS DISTINCT FROM OLD.message_id)
     OR (OLD.status = 'CONFIRMED' AND to_jsonb(NEW) <> to_jsonb(OLD)) THEN
    RAISE EXCEPTION 'payment instruction % is immutable but for its export and confirmation',
      OLD.instruction_id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER payment_instructions_kept BEFORE UPDATE OR DELETE ON payment_instructions
  FOR EACH ROW EXECUTE FUNCTION keep_payment_instruction();

-- The pain.001/pain.008 files as exported: a re-export returns these bytes.
CREATE TABLE payment_messages (
  message_id text PRIMARY KEY CHECK (message_id ~ '^[A-Za-z0-9._:-]{1,35}$'),
  business_date date NOT NULL,
  cycle text NOT NULL,
  bank_aba char(9) NOT NULL,
  message_type text NOT NULL CHECK (message_type IN ('pain.001.001.09', 'pain.008.001.08')),
  instruction_count integer NOT NULL CHECK (instruction_count > 0),
  control_sum_cents bigint NOT NULL CHECK (control_sum_cents > 0),
  document_sha256 bytea NOT NULL CHECK (length(document_sha256) = 32),
  document text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TRIGGER payment_messages_kept BEFORE UPDATE OR DELETE ON payment_messages
  FOR EACH ROW EXECUTE FUNCTION forbid_change('an exported payment file is a record');

-- Every confirmation received, over gRPC or in a camt.054 file, with what it did:
-- CONFIRMS (posted), ALREADY_CONFIRMED (a duplicate), PENDING (not final), BREAK (never
-- posted; reason and detail for the reconciliation).
CREATE TABLE payment_confirmations (
  confirmation_id bigserial PRIMARY KEY,
  source text NOT NULL CHECK (source IN ('GRPC', 'CAMT054')),
  source_key text NOT NULL,       -- the request's idempotency key, or file MsgId + entry
  fingerprint text NOT NULL,
  end_to_end_ids text[] NOT NULL,
  amount_cents bigint NOT NULL,
  currency char(3) NOT NULL,
  account_id text NOT NULL,
  credit_debit text NOT NULL CHECK (credit_debit IN ('CRDT', 'DBIT')),
  entry_status text NOT NULL CHECK (entry_status IN ('BOOK', 'PDNG')),
  outcome text NOT NULL CHECK (outcome IN ('CONFIRMS', 'ALREADY_CONFIRMED', 'PENDING', 'BREAK')),
  break_reason text,
  detail text NOT NULL,
  received_by text NOT NULL,
  received_at timestamptz NOT NULL,
  UNIQUE (source, source_key),
  CHECK ((outcome = 'BREAK') = (break_reason IS NOT NULL))
);
CREATE TRIGGER payment_confirmations_kept BEFORE UPDATE OR DELETE ON payment_confirmations
  FOR EACH ROW EXECUTE FUNCTION forbid_change('a confirmation received is a record');

-- camt.054 files taken, by their MsgId: a file sent again is recognised by its hash.
CREATE TABLE camt_files (
  message_id text PRIMARY KEY,
  document_sha256 bytea NOT NULL CHECK (length(document_sha256) = 32),
  entries integer NOT NULL,
  received_by text NOT NULL,
  received_at timestamptz NOT NULL
);

-- Flags on a member: FAILURE_TO_PAY while a collect is unconfirmed past its deadline.
-- While one is open, trade capture accepts only trades that reduce the member's
-- positions and withdrawals are refused. Cured, never deleted.
CREATE TABLE member_flags (
  flag_id bigserial PRIMARY KEY,
  member_id text NOT NULL REFERENCES members,
  flag text NOT NULL CHECK (flag IN ('FAILURE_TO_PAY')),
  instruction_id text NOT NULL REFERENCES payment_instructions,
  reason text NOT NULL,
  raised_at timestamptz NOT NULL,
  raised_by text NOT NULL,
  cured_at timestamptz,
  cured_by text,
  CHECK ((cured_at IS NULL) = (cured_by IS NULL)),
  UNIQUE (instruction_id, flag)
);
CREATE INDEX member_flags_open ON member_flags (member_id) WHERE cured_at IS NULL;
CREATE TRIGGER member_flags_no_delete BEFORE DELETE ON member_flags
  FOR EACH ROW EXECUTE FUNCTION forbid_change('a flag is cured, never deleted');
-- Trade capture reads open flags from its reference snapshot: a change reloads it.
CREATE TRIGGER member_flags_bump_reference AFTER INSERT OR UPDATE ON member_flags
  FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();

-- Intraday prices of a cycle, loaded by treasury (not settlement prices: nothing is
-- posted from them; they size intraday calls).
CREATE TABLE intraday_prices (
  business_date date NOT NULL,
  cycle text NOT NULL CHECK (cycle ~ '^INTRADAY[1-9][0-9]?$'),
  instrument_id text NOT NULL REFERENCES instruments,
  price_micros bigint NOT NULL CHECK (price_micros > 0),
  PRIMARY KEY (business_date, cycle, instrument_id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['collateral_movements', 'collateral_valuations', 'obligations',
                           'intraday_prices', 'camt_files'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW '
                   'EXECUTE FUNCTION forbid_change(%L)',
                   t || '_append_only', t, 'treasury cash records are append-only');
  END LOOP;
END $$;
