-- Corrections after the lock (docs/SETTLEMENT.md). A locked date's prices are corrected by
-- a new version of the set (each corrected price marked, its tier kept; the reason kept),
-- approved by a second treasurer; the end-of-day run then makes a new pass over what
-- depends on prices (lock, mark-to-market, ledger postings, reports). Each pass's
-- variation margin and step records are kept apart by its number; the ledger reverses the
-- previous pass's postings and posts the new ones.

ALTER TABLE settlement_prices ADD COLUMN corrected boolean NOT NULL DEFAULT false;

ALTER TABLE settlement_price_sets ADD COLUMN corrects_version integer;
ALTER TABLE settlement_price_sets ADD COLUMN reason text NOT NULL DEFAULT '';
ALTER TABLE settlement_price_sets ADD CONSTRAINT settlement_price_sets_corrects_earlier
  CHECK (corrects_version IS NULL OR (corrects_version < version AND reason <> ''));

CREATE OR REPLACE FUNCTION keep_price_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.business_date <> OLD.business_date OR NEW.version <> OLD.version
     OR NEW.proposed_by <> OLD.proposed_by OR NEW.inputs_sha256 <> OLD.inputs_sha256
     OR NEW.corrects_version IS DISTINCT FROM OLD.corrects_version OR NEW.reason <> OLD.reason
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

-- The run's pass: 1 for the run itself, then one more per correction.
ALTER TABLE eod_runs ADD COLUMN pass integer NOT NULL DEFAULT 1 CHECK (pass >= 1);

ALTER TABLE eod_steps ADD COLUMN pass integer NOT NULL DEFAULT 1 CHECK (pass >= 1);
ALTER TABLE eod_steps DROP CONSTRAINT eod_steps_pkey;
ALTER TABLE eod_steps DROP CONSTRAINT eod_steps_business_date_step_key;
ALTER TABLE eod_steps ADD PRIMARY KEY (business_date, pass, step_no);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['vm_position_marks', 'vm_trade_marks', 'vm_origin_totals',
                           'vm_rounding'] LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN pass integer NOT NULL DEFAULT 1 CHECK (pass >= 1)', t);
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', t, t || '_pkey');
  END LOOP;
END $$;
ALTER TABLE vm_position_marks ADD PRIMARY KEY (business_date, pass, account_id, instrument_id);
ALTER TABLE vm_trade_marks ADD PRIMARY KEY (business_date, pass, trade_id, side);
ALTER TABLE vm_origin_totals ADD PRIMARY KEY (business_date, pass, kind, member_id, origin, currency);
ALTER TABLE vm_rounding ADD PRIMARY KEY (business_date, pass, kind, currency);
