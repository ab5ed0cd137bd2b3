CREATE TABLE `calendar_years` (
	`calendar` text NOT NULL,
	`year` integer NOT NULL,
	`holidays` text NOT NULL,
	`makeup_workdays` text NOT NULL,
	`source` text NOT NULL,
	`imported_by` text NOT NULL,
	`imported_at` integer NOT NULL,
	PRIMARY KEY(`calendar`, `year`)
);
