CREATE TABLE `on_time_days` (
	`day_start` integer NOT NULL,
	`owner` text NOT NULL,
	`unit` text NOT NULL,
	`met` integer NOT NULL,
	`late` integer NOT NULL,
	PRIMARY KEY(`day_start`, `owner`, `unit`)
);
--> statement-breakpoint
CREATE INDEX `on_time_days_unit` ON `on_time_days` (`unit`,`day_start`);--> statement-breakpoint
DROP INDEX `deadlines_closed`;--> statement-breakpoint
ALTER TABLE `deadlines` ADD `owner` text DEFAULT 'unit' NOT NULL;--> statement-breakpoint
CREATE INDEX `deadlines_closed` ON `deadlines` (`closed_at`,`unit`,`status`,`owner`) WHERE "deadlines"."running" = 0;
--> statement-breakpoint
-- Fair rates: every limit but those the unit answers for (machines: DeadlineSpec.owner) is the office's own.
UPDATE `deadlines` SET `owner` = 'office' WHERE `kind` NOT IN ('rectificationPlanDue', 'revisedPlanDue', 'rectificationCompletionDue', 'selfRecommendationForwardingDue');--> statement-breakpoint
-- The rollup of the deadlines closed so far, per office day (Asia/Shanghai: UTC+8, no daylight saving), owner and unit.
INSERT INTO `on_time_days` (`day_start`, `owner`, `unit`, `met`, `late`)
SELECT ((`closed_at` + 28800000) / 86400000) * 86400000 - 28800000, `owner`,
       CASE WHEN `owner` = 'office' THEN '' ELSE coalesce(`unit`, '') END,
       sum(CASE WHEN `status` = 'met' THEN 1 ELSE 0 END), sum(CASE WHEN `status` = 'overdue' THEN 1 ELSE 0 END)
FROM `deadlines`
WHERE `running` = 0 AND `closed_at` IS NOT NULL AND `status` IN ('met', 'overdue')
GROUP BY 1, 2, 3;
