-- Member notifications (MemberService.StreamNotifications): margin calls, the end of
-- day done, failure-to-pay flags raised and cured. Each is written by a trigger on the
-- table that records its event, so it commits in the same transaction as the event and
-- the writers' code is untouched:
--   obligations   a FINAL row with an initial-margin call: MARGIN_CALL (cycle EOD) or
--                 INTRADAY_CALL (an intraday cycle);
--   eod_runs      the run of a date becoming COMPLETE: EOD_DONE, one per member;
--   member_flags  a flag inserted: FLAG_RAISED; its cure: FLAG_CURED.
-- A replayed step writes nothing twice: the events are themselves written once (the
-- obligations' key, the flags' ON CONFLICT, a cure only of an open flag), and a
-- notification is unique per (member, kind, subject) on top.

-- Ids in commit order. A member resumes from the last id it saw, so a row must never
-- become visible after a row with a larger id: with a sequence (bigserial) a transaction
-- that took id 7 could commit after one that took id 8 and a reader that already saw 8
-- would skip 7 forever. Taking the next id from this one row, updated inside the writing
-- transaction, makes the writers of notifications queue on the row lock until the
-- previous writer commits, so ids are given (and become visible) in commit order. These
-- events are rare (a few per member and day), so the queue costs nothing that matters.
CREATE TABLE notification_counter (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id bigint NOT NULL CHECK (last_id >= 0)
);
INSERT INTO notification_counter VALUES (true, 0);

CREATE TABLE notifications (
  notification_id bigint PRIMARY KEY CHECK (notification_id >= 1),
  member_id text NOT NULL REFERENCES members,
  kind text NOT NULL CHECK (kind IN ('MARGIN_CALL', 'INTRADAY_CALL', 'EOD_DONE', 'FLAG_RAISED',
                                     'FLAG_CURED')),
  business_date date NOT NULL,
  subject text NOT NULL,      -- what the event is about: "EOD 2026-11-23 HOUSE USD pass 1"
  detail text NOT NULL,       -- one sentence for a person
  created_at timestamptz NOT NULL,  -- the event's own time (the writer's clock)
  UNIQUE (member_id, kind, subject)
);
CREATE INDEX notifications_by_member ON notifications (member_id, notification_id);
CREATE TRIGGER notifications_append_only BEFORE UPDATE OR DELETE ON notifications
  FOR EACH ROW EXECUTE FUNCTION forbid_change('a notification sent is a record');

-- Adds one notification unless the same (member, kind, subject) exists. The counter row
-- is locked first, so the existence check runs after the previous writer committed.
CREATE FUNCTION add_notification(p_member text, p_kind text, p_date date, p_subject text,
                                 p_detail text, p_at timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  next_id bigint;
BEGIN
  SELECT last_id + 1 INTO next_id FROM notification_counter FOR UPDATE;
  IF EXISTS (SELECT 1 FROM notifications
             WHERE member_id = p_member AND kind = p_kind AND subject = p_subject) THEN
    RETURN;
  END IF;
  UPDATE notification_counter SET last_id = next_id;
  INSERT INTO notifications VALUES (next_id, p_member, p_kind, p_date, p_subject, p_detail, p_at);
END $$;

CREATE FUNCTION notify_margin_call() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM add_notification(
    NEW.member_id, CASE WHEN NEW.cycle = 'EOD' THEN 'MARGIN_CALL' ELSE 'INTRADAY_CALL' END,
    NEW.business_date,
    format('%s %s %s %s pass %s', NEW.cycle, NEW.business_date, NEW.origin, NEW.currency,
           NEW.pass),
    format('initial-margin call of %s cents on %s %s (%s %s): requirement %s, collateral %s',
           NEW.im_call_cents, NEW.origin, NEW.currency, NEW.cycle, NEW.business_date,
           NEW.requirement_cents, NEW.collateral_value_cents),
    NEW.computed_at);
  RETURN NULL;
END $$;
CREATE TRIGGER obligations_notify AFTER INSERT ON obligations
  FOR EACH ROW WHEN (NEW.stage = 'FINAL' AND NEW.im_call_cents > 0)
  EXECUTE FUNCTION notify_margin_call();

-- One per member, in member order, when the run of a date completes (each pass).
CREATE FUNCTION notify_eod_done() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  m text;
BEGIN
  FOR m IN SELECT member_id FROM members ORDER BY member_id COLLATE "C" LOOP
    PERFORM add_notification(
      m, 'EOD_DONE', NEW.business_date, format('EOD %s pass %s', NEW.business_date, NEW.pass),
      format('the end-of-day run of %s is complete (pass %s)', NEW.business_date, NEW.pass),
      NEW.updated_at);
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER eod_runs_notify_update AFTER UPDATE ON eod_runs
  FOR EACH ROW WHEN (NEW.status = 'COMPLETE' AND
                     (OLD.status <> 'COMPLETE' OR OLD.pass <> NEW.pass))
  EXECUTE FUNCTION notify_eod_done();
CREATE TRIGGER eod_runs_notify_insert AFTER INSERT ON eod_runs
  FOR EACH ROW WHEN (NEW.status = 'COMPLETE')
  EXECUTE FUNCTION notify_eod_done();

CREATE FUNCTION notify_member_flag() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  day date;
BEGIN
  SELECT business_date INTO day FROM payment_instructions
  WHERE instruction_id = NEW.instruction_id;
  IF TG_OP = 'INSERT' THEN
    PERFORM add_notification(
      NEW.member_id, 'FLAG_RAISED', day, format('%s %s', NEW.flag, NEW.instruction_id),
      format('%s flag raised: %s', NEW.flag, NEW.reason), NEW.raised_at);
  ELSE
    PERFORM add_notification(
      NEW.member_id, 'FLAG_CURED', day, format('%s %s', NEW.flag, NEW.instruction_id),
      format('%s flag of %s cured by %s', NEW.flag, NEW.instruction_id, NEW.cured_by),
      NEW.cured_at);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER member_flags_notify_raise AFTER INSERT ON member_flags
  FOR EACH ROW EXECUTE FUNCTION notify_member_flag();
CREATE TRIGGER member_flags_notify_cure AFTER UPDATE ON member_flags
  FOR EACH ROW WHEN (OLD.cured_at IS NULL AND NEW.cured_at IS NOT NULL)
  EXECUTE FUNCTION notify_member_flag();
