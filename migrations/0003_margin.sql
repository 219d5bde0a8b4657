-- Margin: index histories the calibration reads, versioned risk-parameter sets with
-- four-eyes approval, and the margin requirements of each business date
-- (docs/MARGIN_METHOD.md).

-- Daily index values, USD per 1M tokens in micro-USD.
CREATE TABLE index_values (
  index_code text NOT NULL CHECK (index_code ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  business_date date NOT NULL,
  value_micros bigint NOT NULL CHECK (value_micros > 0),
  loaded_by text NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (index_code, business_date)
);

-- A calibrated parameter set (serialized tokenclear.v1.RiskParameterSet). Only the
-- status moves (DRAFT -> APPROVED -> SUPERSEDED); the parameters never change.
CREATE TABLE risk_parameter_sets (
  version text PRIMARY KEY CHECK (version ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  business_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('DRAFT', 'APPROVED', 'SUPERSEDED')),
  created_by text NOT NULL,
  approved_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  approved_at timestamptz,
  parameters bytea NOT NULL,
  CHECK (approved_by <> created_by),
  CHECK ((status = 'DRAFT') = (approved_by IS NULL)),
  CHECK ((approved_by IS NULL) = (approved_at IS NULL))
);
-- At most one approved set per business date.
CREATE UNIQUE INDEX one_approved_set_per_date ON risk_parameter_sets (business_date)
  WHERE status = 'APPROVED';

CREATE FUNCTION keep_parameter_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version <> OLD.version OR NEW.business_date <> OLD.business_date
     OR NEW.created_by <> OLD.created_by OR NEW.parameters <> OLD.parameters THEN
    RAISE EXCEPTION 'parameter set % is immutable; only its status may change', OLD.version
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER risk_parameter_sets_keep BEFORE UPDATE ON risk_parameter_sets
  FOR EACH ROW EXECUTE FUNCTION keep_parameter_set();
CREATE TRIGGER risk_parameter_sets_no_delete BEFORE DELETE ON risk_parameter_sets
  FOR EACH ROW EXECUTE FUNCTION forbid_change('parameter sets are kept; supersede instead');

-- Per account and business date. House accounts are margined on their net positions,
-- customer accounts each on their own.
CREATE TABLE margin_requirements (
  business_date date NOT NULL,
  account_id text NOT NULL,
  member_id text NOT NULL,
  origin text NOT NULL CHECK (origin IN ('HOUSE', 'CUSTOMER')),
  maintenance_micros bigint NOT NULL CHECK (maintenance_micros >= 0),
  initial_micros bigint NOT NULL CHECK (initial_micros >= maintenance_micros),
  parameter_version text NOT NULL REFERENCES risk_parameter_sets,
  breakdown jsonb NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_date, account_id)
);
CREATE INDEX margin_requirements_by_member ON margin_requirements (business_date, member_id);

-- Per member and origin: HOUSE is the margin of the member's house accounts' positions
-- netted together; CUSTOMER is gross, the sum over the member's customer accounts.
CREATE TABLE margin_origin_requirements (
  business_date date NOT NULL,
  member_id text NOT NULL,
  origin text NOT NULL CHECK (origin IN ('HOUSE', 'CUSTOMER')),
  maintenance_micros bigint NOT NULL CHECK (maintenance_micros >= 0),
  initial_micros bigint NOT NULL CHECK (initial_micros >= maintenance_micros),
  parameter_version text NOT NULL REFERENCES risk_parameter_sets,
  account_count integer NOT NULL CHECK (account_count > 0),
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_date, member_id, origin)
);

-- Check view: the customer origin must equal the sum over the customer accounts.
CREATE VIEW customer_origin_check AS
  SELECT o.business_date, o.member_id, o.maintenance_micros, o.initial_micros,
         sum(r.maintenance_micros)::bigint AS sum_maintenance_micros,
         sum(r.initial_micros)::bigint AS sum_initial_micros
  FROM margin_origin_requirements o
  JOIN margin_requirements r
    ON r.business_date = o.business_date AND r.member_id = o.member_id
   AND r.origin = 'CUSTOMER'
  WHERE o.origin = 'CUSTOMER'
  GROUP BY o.business_date, o.member_id, o.maintenance_micros, o.initial_micros;

-- Per member and business date: house plus customer origin.
CREATE VIEW margin_member_requirements AS
  SELECT business_date, member_id, sum(maintenance_micros)::bigint AS maintenance_micros,
         sum(initial_micros)::bigint AS initial_micros, min(parameter_version) AS parameter_version
  FROM margin_origin_requirements
  GROUP BY business_date, member_id;
