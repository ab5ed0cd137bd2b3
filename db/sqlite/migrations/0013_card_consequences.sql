CREATE TABLE `card_consequences` (
	`case_id` text PRIMARY KEY NOT NULL,
	`unit` text NOT NULL,
	`kind` text NOT NULL,
	`period` text NOT NULL,
	`triggered_by` text NOT NULL,
	`action` text NOT NULL,
	`points_off` integer NOT NULL,
	`basis` text NOT NULL,
	`due_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `card_consequences_unit_created` ON `card_consequences` (`unit`,`created_at`);--> statement-breakpoint
CREATE INDEX `card_consequences_created` ON `card_consequences` (`created_at`);