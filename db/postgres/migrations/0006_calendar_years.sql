CREATE TABLE "calendar_years" (
	"calendar" text NOT NULL,
	"year" integer NOT NULL,
	"holidays" jsonb NOT NULL,
	"makeup_workdays" jsonb NOT NULL,
	"source" text NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" bigint NOT NULL,
	CONSTRAINT "calendar_years_calendar_year_pk" PRIMARY KEY("calendar","year")
);
