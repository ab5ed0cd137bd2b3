-- The case log is append-only: the database refuses to change, delete or truncate entries. The one
-- exception is sealing: a row written before the hash chain existed (hash still NULL) may get its
-- chain link (seq, prev_hash, hash) once, and nothing else of it may change; the backfill that
-- seals those rows runs once, under the migration lock, while the table case_log_backfill exists (it drops it).
-- Where the application connects as a role of its own (not the owner of the tables), also run:
--   REVOKE UPDATE, DELETE, TRUNCATE ON case_events FROM <application role>;
CREATE TABLE "case_log_backfill" ("pending" integer NOT NULL);
--> statement-breakpoint
CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.hash IS NULL
     AND (NEW.id, NEW.case_id, NEW.version, NEW.kind, NEW.type, NEW.actor_id, NEW.actor_role, NEW.at, NEW.payload, NEW.from_state, NEW.to_state)
         IS NOT DISTINCT FROM (OLD.id, OLD.case_id, OLD.version, OLD.kind, OLD.type, OLD.actor_id, OLD.actor_role, OLD.at, OLD.payload, OLD.from_state, OLD.to_state) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'case_events is append-only: an entry of the case log cannot be %', CASE TG_OP WHEN 'UPDATE' THEN 'changed' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END
    USING ERRCODE = '42501';
END
$$;
--> statement-breakpoint
CREATE TRIGGER case_events_no_update_or_delete BEFORE UPDATE OR DELETE ON case_events FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
--> statement-breakpoint
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();
