ALTER TABLE `case_events` ADD `seq` integer;--> statement-breakpoint
ALTER TABLE `case_events` ADD `prev_hash` text;--> statement-breakpoint
ALTER TABLE `case_events` ADD `hash` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `chain_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `cases` ADD `chain_head` text DEFAULT '0000000000000000000000000000000000000000000000000000000000000000' NOT NULL;