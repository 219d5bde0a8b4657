-- Index and fixings (docs/INDEX_FIXING.md): the settings of each index's settlement
-- window and guards, the index provider's observations (idempotent on the observation
-- ID), the flags the stale and jump guards raise for treasury approval, the freeze
-- (kill switch) history of a disputed index, and the daily fixings with the partition
-- medians and the observations each used. Everything but the settings is append-only:
-- a flag only gains its approval, once.

-- Per index code; an index without a row uses the documented defaults
-- (settlement/index_settings.h). The bounds match ValidateIndexSettings.
CREATE TABLE index_settings (
  index_code text PRIMARY KEY CHECK (index_code ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  window_start_minutes integer NOT NULL CHECK (window_start_minutes BETWEEN 0 AND 1439),
  window_minutes integer NOT NULL CHECK (window_minutes BETWEEN 1 AND 1440),
  partitions integer NOT NULL CHECK (partitions BETWEEN 1 AND 1440),
  min_partitions_filled integer NOT NULL,
  stale_after_seconds bigint NOT NULL CHECK (stale_after_seconds BETWEEN 1 AND 86400),
  max_jump_bps bigint NOT NULL CHECK (max_jump_bps BETWEEN 1 AND 100000),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (window_start_minutes + window_minutes <= 1440),
  CHECK (min_partitions_filled BETWEEN 1 AND partitions)
);

-- What the provider sent. The payload hash covers every field but the observation ID, so
-- a resend with the same ID is recognised as the same (or a different) observation.
CREATE TABLE index_observations (
  observation_id text PRIMARY KEY CHECK (observation_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  index_code text NOT NULL CHECK (index_code ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  observed_at timestamptz NOT NULL,
  value_micros bigint NOT NULL CHECK (value_micros BETWEEN 1 AND 1000000000000),
  provider text NOT NULL,
  methodology_version text NOT NULL,
  payload_sha256 bytea NOT NULL CHECK (length(payload_sha256) = 32),
  submitted_by text NOT NULL,
  submitted_at timestamptz NOT NULL
);
CREATE INDEX index_observations_by_time ON index_observations (index_code, observed_at);
CREATE TRIGGER index_observations_append_only BEFORE UPDATE OR DELETE ON index_observations
  FOR EACH ROW EXECUTE FUNCTION forbid_change('an observation is kept as sent');

-- A guard's finding; it blocks the fixing of (index_code, business_date) until approved.
CREATE TABLE index_flags (
  flag_id bigserial PRIMARY KEY,
  index_code text NOT NULL,
  business_date date NOT NULL,
  kind text NOT NULL CHECK (kind IN ('STALE', 'JUMP')),
  observation_id text REFERENCES index_observations,
  detail text NOT NULL,
  raised_by text NOT NULL,
  raised_at timestamptz NOT NULL,
  approved_by text,
  approved_at timestamptz,
  approval_reason text,
  CHECK ((kind = 'JUMP') = (observation_id IS NOT NULL)),
  CHECK ((approved_by IS NULL) = (approved_at IS NULL)),
  CHECK ((approved_by IS NULL) = (approval_reason IS NULL)),
  CHECK (approval_reason IS NULL OR approval_reason <> '')
);
-- One stale flag per fixing, one jump flag per observation: a retried guard finds its own.
CREATE UNIQUE INDEX one_stale_flag_per_fixing ON index_flags (index_code, business_date)
  WHERE kind = 'STALE';
CREATE UNIQUE INDEX one_jump_flag_per_observation ON index_flags (observation_id)
  WHERE kind = 'JUMP';

CREATE FUNCTION keep_index_flag() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.approved_by IS NOT NULL OR NEW.approved_by IS NULL
     OR NEW.flag_id <> OLD.flag_id OR NEW.index_code <> OLD.index_code
     OR NEW.business_date <> OLD.business_date OR NEW.kind <> OLD.kind
     OR NEW.observation_id IS DISTINCT FROM OLD.observation_id OR NEW.detail <> OLD.detail
     OR NEW.raised_by <> OLD.raised_by OR NEW.raised_at <> OLD.raised_at THEN
    RAISE EXCEPTION 'index flag % is immutable; it may only be approved, once', OLD.flag_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER index_flags_keep BEFORE UPDATE ON index_flags
  FOR EACH ROW EXECUTE FUNCTION keep_index_flag();
CREATE TRIGGER index_flags_no_delete BEFORE DELETE ON index_flags
  FOR EACH ROW EXECUTE FUNCTION forbid_change('flags are kept; approve instead');

-- The kill switch, as a history: an index is frozen when its latest event froze it.
CREATE TABLE index_freezes (
  event_id bigserial PRIMARY KEY,
  index_code text NOT NULL,
  frozen boolean NOT NULL,
  reason text NOT NULL CHECK (reason <> ''),
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL
);
CREATE INDEX index_freezes_by_index ON index_freezes (index_code, event_id);
CREATE TRIGGER index_freezes_append_only BEFORE UPDATE OR DELETE ON index_freezes
  FOR EACH ROW EXECUTE FUNCTION forbid_change('the freeze history is append-only');

-- The daily fixing, with what it takes to replay it: the method and its version, the
-- window and partitions, the partition medians and the observations used (referenced
-- here, and hashed: observations_sha256 over (observed_at, value_micros, observation_id)
-- in time order).
CREATE TABLE index_fixings (
  index_code text NOT NULL,
  fixing_date date NOT NULL,
  value_micros bigint NOT NULL CHECK (value_micros BETWEEN 1 AND 1000000000000),
  method_version text NOT NULL,
  window_start timestamptz NOT NULL,
  window_end timestamptz NOT NULL,
  partitions integer NOT NULL CHECK (partitions BETWEEN 1 AND 1440),
  min_partitions_filled integer NOT NULL,
  observation_count integer NOT NULL CHECK (observation_count >= 1),
  observations_sha256 bytea NOT NULL CHECK (length(observations_sha256) = 32),
  computed_by text NOT NULL,
  computed_at timestamptz NOT NULL,
  PRIMARY KEY (index_code, fixing_date),
  CHECK (window_end > window_start),
  CHECK (min_partitions_filled BETWEEN 1 AND partitions)
);
CREATE TRIGGER index_fixings_append_only BEFORE UPDATE OR DELETE ON index_fixings
  FOR EACH ROW EXECUTE FUNCTION forbid_change('a fixing is published and kept');

CREATE TABLE index_fixing_medians (
  index_code text NOT NULL,
  fixing_date date NOT NULL,
  partition_number integer NOT NULL CHECK (partition_number >= 0),
  observation_count integer NOT NULL CHECK (observation_count >= 1),
  median_micros bigint NOT NULL CHECK (median_micros BETWEEN 1 AND 1000000000000),
  PRIMARY KEY (index_code, fixing_date, partition_number),
  FOREIGN KEY (index_code, fixing_date) REFERENCES index_fixings
);
CREATE TRIGGER index_fixing_medians_append_only BEFORE UPDATE OR DELETE ON index_fixing_medians
  FOR EACH ROW EXECUTE FUNCTION forbid_change('a fixing is published and kept');

CREATE TABLE index_fixing_observations (
  index_code text NOT NULL,
  fixing_date date NOT NULL,
  observation_id text NOT NULL REFERENCES index_observations,
  PRIMARY KEY (index_code, fixing_date, observation_id),
  FOREIGN KEY (index_code, fixing_date) REFERENCES index_fixings
);
CREATE TRIGGER index_fixing_observations_append_only
  BEFORE UPDATE OR DELETE ON index_fixing_observations
  FOR EACH ROW EXECUTE FUNCTION forbid_change('a fixing is published and kept');
