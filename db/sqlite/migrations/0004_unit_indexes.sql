DROP INDEX `cases_unit_type`;--> statement-breakpoint
CREATE INDEX `cases_unit_created` ON `cases` (`unit`,`created_at`,`id`);--> statement-breakpoint
DROP INDEX `deadlines_unit_status_due`;--> statement-breakpoint
CREATE INDEX `deadlines_unit_running_due` ON `deadlines` (`unit`,`due_at`,`id`) WHERE "deadlines"."running" = 1;