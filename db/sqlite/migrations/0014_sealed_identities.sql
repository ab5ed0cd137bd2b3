PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_reporter_identities` (
	`case_id` text PRIMARY KEY NOT NULL,
	`name` text,
	`contact` text,
	`key_id` text,
	`wrapped_key` text,
	`sealed_fields` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_reporter_identities`("case_id", "name", "contact", "created_at") SELECT "case_id", "name", "contact", "created_at" FROM `reporter_identities`;--> statement-breakpoint
DROP TABLE `reporter_identities`;--> statement-breakpoint
ALTER TABLE `__new_reporter_identities` RENAME TO `reporter_identities`;--> statement-breakpoint
PRAGMA foreign_keys=ON;