-- The case log is append-only: the database refuses to change or delete an entry. The one
-- exception is sealing: a row written before the hash chain existed (hash still NULL) may get its
-- chain link (seq, prev_hash, hash) once, and nothing else of it may change; the backfill that
-- seals those rows runs once, under the migration lock, while the table case_log_backfill exists (it drops it).
CREATE TABLE `case_log_backfill` (`pending` integer NOT NULL);
--> statement-breakpoint
CREATE TRIGGER `case_events_no_update` BEFORE UPDATE ON `case_events`
WHEN OLD.`hash` IS NOT NULL
  OR NEW.`id` IS NOT OLD.`id` OR NEW.`case_id` IS NOT OLD.`case_id` OR NEW.`version` IS NOT OLD.`version`
  OR NEW.`kind` IS NOT OLD.`kind` OR NEW.`type` IS NOT OLD.`type` OR NEW.`actor_id` IS NOT OLD.`actor_id`
  OR NEW.`actor_role` IS NOT OLD.`actor_role` OR NEW.`at` IS NOT OLD.`at` OR NEW.`payload` IS NOT OLD.`payload`
  OR NEW.`from_state` IS NOT OLD.`from_state` OR NEW.`to_state` IS NOT OLD.`to_state`
BEGIN
  SELECT RAISE(ABORT, 'case_events is append-only: an entry of the case log cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER `case_events_no_delete` BEFORE DELETE ON `case_events`
BEGIN
  SELECT RAISE(ABORT, 'case_events is append-only: an entry of the case log cannot be deleted');
END;
