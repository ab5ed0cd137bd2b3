CREATE TABLE `case_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` text NOT NULL,
	`version` integer NOT NULL,
	`kind` text NOT NULL,
	`type` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_role` text NOT NULL,
	`at` integer NOT NULL,
	`payload` text NOT NULL,
	`from_state` text,
	`to_state` text,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_events_case` ON `case_events` (`case_id`,`id`);--> statement-breakpoint
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`machine_version` integer NOT NULL,
	`state` text NOT NULL,
	`status` text NOT NULL,
	`snapshot` text NOT NULL,
	`version` integer NOT NULL,
	`unit` text,
	`assignee` text,
	`subject_id` text,
	`time_zone` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`closed_at` integer
);
--> statement-breakpoint
CREATE INDEX `cases_status_type_state` ON `cases` (`status`,`type`,`state`);--> statement-breakpoint
CREATE INDEX `cases_unit_type` ON `cases` (`unit`,`type`);--> statement-breakpoint
CREATE INDEX `cases_assignee` ON `cases` (`assignee`);--> statement-breakpoint
CREATE INDEX `cases_subject` ON `cases` (`subject_id`);--> statement-breakpoint
CREATE INDEX `cases_created` ON `cases` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `deadlines` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`case_type` text NOT NULL,
	`unit` text,
	`kind` text NOT NULL,
	`state_id` text NOT NULL,
	`basis` text NOT NULL,
	`time_zone` text NOT NULL,
	`spec` text NOT NULL,
	`base_at` integer NOT NULL,
	`original_due_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`status` text NOT NULL,
	`running` integer NOT NULL,
	`warning` text NOT NULL,
	`escalation_level` integer NOT NULL,
	`next_step` integer NOT NULL,
	`next_fire_at` integer,
	`schedule_rev` integer NOT NULL,
	`dispatched_rev` integer,
	`suspended_at` integer,
	`closed_at` integer,
	`lateness_ms` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deadlines_case` ON `deadlines` (`case_id`,`running`);--> statement-breakpoint
CREATE INDEX `deadlines_status_due` ON `deadlines` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `deadlines_unit_status_due` ON `deadlines` (`unit`,`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `deadlines_next_fire` ON `deadlines` (`next_fire_at`) WHERE "deadlines"."running" = 1 AND "deadlines"."next_fire_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `deadlines_closed` ON `deadlines` (`closed_at`,`unit`) WHERE "deadlines"."running" = 0;--> statement-breakpoint
CREATE INDEX `deadlines_outbox` ON `deadlines` (`id`) WHERE "deadlines"."running" = 1 AND "deadlines"."next_fire_at" IS NOT NULL AND "deadlines"."dispatched_rev" IS NOT "deadlines"."schedule_rev";--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` text NOT NULL,
	`deadline_id` text,
	`step` text,
	`recipient` text NOT NULL,
	`warning` text,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deadline_id`) REFERENCES `deadlines`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notifications_pending` ON `notifications` (`created_at`) WHERE "notifications"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_step` ON `notifications` (`deadline_id`,`step`,`recipient`);--> statement-breakpoint
CREATE TABLE `reporter_identities` (
	`case_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`contact` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `warning_cards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`deadline_id` text NOT NULL,
	`case_id` text NOT NULL,
	`unit` text,
	`warning` text NOT NULL,
	`step` text NOT NULL,
	`issued_at` integer NOT NULL,
	FOREIGN KEY (`deadline_id`) REFERENCES `deadlines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `warning_cards_unit_issued` ON `warning_cards` (`unit`,`issued_at`);--> statement-breakpoint
CREATE INDEX `warning_cards_issued` ON `warning_cards` (`issued_at`,`warning`);--> statement-breakpoint
CREATE UNIQUE INDEX `warning_cards_step` ON `warning_cards` (`deadline_id`,`step`);