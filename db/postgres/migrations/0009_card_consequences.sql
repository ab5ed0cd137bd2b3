CREATE TABLE "card_consequences" (
	"case_id" text PRIMARY KEY NOT NULL,
	"unit" text NOT NULL,
	"kind" text NOT NULL,
	"period" text NOT NULL,
	"triggered_by" text NOT NULL,
	"action" text NOT NULL,
	"points_off" integer NOT NULL,
	"basis" text NOT NULL,
	"due_at" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "card_consequences" ADD CONSTRAINT "card_consequences_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "card_consequences_unit_created" ON "card_consequences" USING btree ("unit","created_at");--> statement-breakpoint
CREATE INDEX "card_consequences_created" ON "card_consequences" USING btree ("created_at");