ALTER TABLE `deadlines` ADD `period` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `claimed_at` integer;