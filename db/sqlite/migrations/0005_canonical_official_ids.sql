-- Official ids are compared by plain equality now that they are canonical at the boundary
-- (machines/officials.ts). Rows written before held ids trimmed and lower-cased only when compared.
UPDATE `cases` SET `subject_id` = lower(trim(`subject_id`)) WHERE `subject_id` IS NOT NULL AND `subject_id` <> lower(trim(`subject_id`));
--> statement-breakpoint
UPDATE `cases` SET `assignee` = lower(trim(`assignee`)) WHERE `assignee` IS NOT NULL AND `assignee` <> lower(trim(`assignee`));
