-- Who is calling (docs/ACCESS.md): the risk role, bearer tokens with an expiry that can be
-- revoked (stored as SHA-256 digests only), client-certificate identities mapped to
-- principals, and the audit log's request ID and outcome.

ALTER TABLE principals DROP CONSTRAINT principals_role_check;
ALTER TABLE principals ADD CONSTRAINT principals_role_check
  CHECK (role IN ('ADMIN', 'EXCHANGE', 'MEMBER', 'TREASURY', 'REGULATOR', 'INDEX_PROVIDER',
                  'RISK'));

-- A principal may hold several tokens (rotation: issue the new one, then revoke the old).
-- The token itself is shown once, when issued; only its digest is kept.
CREATE TABLE api_tokens (
  token_id text PRIMARY KEY CHECK (token_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  principal_id text NOT NULL REFERENCES principals,
  token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
  label text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
  issued_by text NOT NULL,
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > issued_at),
  revoked_by text,
  revoked_at timestamptz,
  CHECK ((revoked_by IS NULL) = (revoked_at IS NULL))
);
CREATE INDEX api_tokens_by_principal ON api_tokens (principal_id);

-- A token's only change is its revocation, once: a revoked token can never come back and
-- no digest or expiry can be rewritten to admit a different secret.
CREATE FUNCTION api_token_revoke_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.revoked_at IS NOT NULL
     OR NEW.revoked_at IS NULL
     OR (NEW.token_id, NEW.principal_id, NEW.token_sha256, NEW.label, NEW.issued_by,
         NEW.issued_at, NEW.expires_at)
        IS DISTINCT FROM (OLD.token_id, OLD.principal_id, OLD.token_sha256, OLD.label,
                          OLD.issued_by, OLD.issued_at, OLD.expires_at) THEN
    RAISE EXCEPTION 'api token % can only be revoked, once', OLD.token_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER api_tokens_revoke_only BEFORE UPDATE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION api_token_revoke_only();
CREATE TRIGGER api_tokens_no_delete BEFORE DELETE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION forbid_change('tokens are kept; revoke instead');

-- The tokens principals had become their first issued tokens, valid for a year.
INSERT INTO api_tokens (token_id, principal_id, token_sha256, label, issued_by, issued_at,
                        expires_at)
  SELECT principal_id || '.seed', principal_id, token_sha256, 'before migration 0009',
         'migration 0009', now(), now() + interval '365 days'
  FROM principals;
ALTER TABLE principals DROP COLUMN token_sha256;

-- A verified client certificate names its principal by one of its identities (a subject
-- alternative name, or else the subject's common name), mapped here as data.
CREATE TABLE certificate_identities (
  identity text PRIMARY KEY CHECK (length(identity) BETWEEN 1 AND 255),
  principal_id text NOT NULL REFERENCES principals
);

CREATE TRIGGER api_tokens_bump_version AFTER INSERT OR UPDATE OR DELETE ON api_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER certificate_identities_bump_version
  AFTER INSERT OR UPDATE OR DELETE ON certificate_identities
  FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();

-- One call can be followed from the client (trailing metadata x-request-id) to the log and
-- here; refusals are recorded too, with their status code as the outcome.
ALTER TABLE audit_log ADD COLUMN request_id text NOT NULL DEFAULT '',
                      ADD COLUMN outcome text NOT NULL DEFAULT 'OK';
CREATE INDEX audit_log_by_time ON audit_log (at, audit_id);
