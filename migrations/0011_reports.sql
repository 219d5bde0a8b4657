-- Regulatory reports (docs/REPORTING.md): the files the end-of-day run's REPORTS_READY
-- step writes, kept per pass. A price correction re-runs the step as a new pass and adds
-- that pass's files; the latest pass of a date is its current report. Written once, in
-- the step's transaction, never changed.
CREATE TABLE report_files (
  business_date date NOT NULL,
  pass integer NOT NULL CHECK (pass >= 1),
  kind text NOT NULL CHECK (kind IN ('DAILY_CLEARING', 'POSITION_REPORTS', 'LARGE_TRADER_PART17',
                                     'LARGE_TRADER_CSV')),
  name text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
  content text NOT NULL,
  content_sha256 bytea NOT NULL CHECK (length(content_sha256) = 32),
  size_bytes bigint NOT NULL CHECK (size_bytes = octet_length(content)),
  row_count bigint NOT NULL CHECK (row_count >= 0),
  PRIMARY KEY (business_date, pass, kind),
  UNIQUE (business_date, pass, name)
);
CREATE TRIGGER report_files_append_only BEFORE UPDATE OR DELETE ON report_files
  FOR EACH ROW EXECUTE FUNCTION forbid_change('a report as written is a record');

-- The CFTC reportable level per product, in contracts (§15.03(b)); the row '*' is the
-- level of every product without its own (the residual "all other commodities" line).
CREATE TABLE reportable_levels (
  product_code text PRIMARY KEY
    CHECK (product_code = '*' OR product_code ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  level_contracts bigint NOT NULL CHECK (level_contracts BETWEEN 1 AND 9999999)
);
INSERT INTO reportable_levels VALUES ('*', 25);
