DROP INDEX `deadlines_closed`;--> statement-breakpoint
CREATE INDEX `deadlines_closed` ON `deadlines` (`closed_at`,`unit`,`status`) WHERE "deadlines"."running" = 0;