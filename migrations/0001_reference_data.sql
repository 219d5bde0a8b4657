-- Reference data: products (contract specifications as data), listed instruments,
-- clearing members, accounts, API principals, holidays and business dates.
-- Reference rows are never deleted (trades and positions point at them); an account's
-- origin never changes (a cancel must reverse exactly what its trade did).

CREATE TABLE products (
  product_code text PRIMARY KEY CHECK (product_code ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  name text NOT NULL,
  index_code text NOT NULL,
  contract_multiplier bigint NOT NULL CHECK (contract_multiplier > 0),
  tick_size_micros bigint NOT NULL CHECK (tick_size_micros > 0),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  listed_months integer NOT NULL CHECK (listed_months BETWEEN 1 AND 60),
  final_settlement_rule text NOT NULL
    CHECK (final_settlement_rule IN ('LAST_BUSINESS_DAY', 'THIRD_WEDNESDAY')),
  last_trading_offset_days integer NOT NULL CHECK (last_trading_offset_days BETWEEN 0 AND 20),
  settlement_type text NOT NULL CHECK (settlement_type = 'CASH'),
  max_trade_quantity bigint NOT NULL CHECK (max_trade_quantity > 0)
);

CREATE TABLE instruments (
  instrument_id text PRIMARY KEY CHECK (instrument_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  product_code text NOT NULL REFERENCES products,
  contract_month char(6) NOT NULL CHECK (contract_month ~ '^[0-9]{4}(0[1-9]|1[0-2])$'),
  last_trading_date date NOT NULL,
  final_settlement_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('ACTIVE', 'EXPIRED')),
  UNIQUE (product_code, contract_month),
  CHECK (last_trading_date <= final_settlement_date)
);

CREATE TABLE members (
  member_id text PRIMARY KEY CHECK (member_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  name text NOT NULL,
  lei char(20) NOT NULL UNIQUE CHECK (lei ~ '^[A-Z0-9]{18}[0-9]{2}$'),
  status text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED'))
);

CREATE TABLE accounts (
  account_id text PRIMARY KEY CHECK (account_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  member_id text NOT NULL REFERENCES members,
  origin text NOT NULL CHECK (origin IN ('HOUSE', 'CUSTOMER')),
  account_class text NOT NULL CHECK (account_class IN ('MEMBER', 'HEDGER', 'SPECULATOR')),
  status text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED')),
  customer_name text,
  CHECK ((origin = 'CUSTOMER') = (customer_name IS NOT NULL))
);
CREATE INDEX accounts_by_member ON accounts (member_id);

CREATE TABLE principals (
  principal_id text PRIMARY KEY CHECK (principal_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  role text NOT NULL CHECK (role IN ('ADMIN', 'EXCHANGE', 'MEMBER', 'TREASURY', 'REGULATOR')),
  member_id text REFERENCES members,
  token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
  CHECK ((role = 'MEMBER') = (member_id IS NOT NULL))
);

CREATE TABLE holidays (
  holiday date PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE business_days (
  business_date date PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
  opened_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz
);
-- At most one business date is open at a time.
CREATE UNIQUE INDEX one_open_business_day ON business_days ((true)) WHERE status = 'OPEN';

-- Servers keep an in-memory snapshot of reference data for validation; any change here
-- bumps the version so that every server reloads before its next use.
CREATE TABLE reference_version (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version bigint NOT NULL
);
INSERT INTO reference_version VALUES (true, 1);

CREATE FUNCTION bump_reference_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reference_version SET version = version + 1;
  RETURN NULL;
END $$;

CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % is not allowed: %', TG_OP, TG_TABLE_NAME, TG_ARGV[0]
    USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE FUNCTION keep_account_origin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.origin <> OLD.origin OR NEW.member_id <> OLD.member_id THEN
    RAISE EXCEPTION 'account % cannot change origin or member', OLD.account_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER accounts_keep_origin BEFORE UPDATE ON accounts
  FOR EACH ROW EXECUTE FUNCTION keep_account_origin();

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['products', 'instruments', 'members', 'accounts', 'principals',
                           'holidays', 'business_days'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version()',
                   t || '_bump_version', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['products', 'instruments', 'members', 'accounts'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE DELETE ON %I FOR EACH ROW '
                   'EXECUTE FUNCTION forbid_change(%L)',
                   t || '_no_delete', t, 'reference data is kept; suspend or expire instead');
  END LOOP;
END $$;

-- Who changed what. Append-only.
CREATE TABLE audit_log (
  audit_id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  principal_id text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION forbid_change('the audit log is append-only');
