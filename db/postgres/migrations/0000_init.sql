CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"token_hash" text NOT NULL,
	"label" text,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "case_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "case_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"case_id" text NOT NULL,
	"version" integer NOT NULL,
	"kind" text NOT NULL,
	"type" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_role" text NOT NULL,
	"at" bigint NOT NULL,
	"payload" jsonb NOT NULL,
	"from_state" text,
	"to_state" text
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"machine_version" integer NOT NULL,
	"state" text NOT NULL,
	"status" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"version" integer NOT NULL,
	"unit" text,
	"assignee" text,
	"subject_id" text,
	"time_zone" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"closed_at" bigint
);
--> statement-breakpoint
CREATE TABLE "deadlines" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"case_type" text NOT NULL,
	"unit" text,
	"kind" text NOT NULL,
	"state_id" text NOT NULL,
	"basis" text NOT NULL,
	"time_zone" text NOT NULL,
	"spec" jsonb NOT NULL,
	"base_at" bigint NOT NULL,
	"original_due_at" bigint NOT NULL,
	"due_at" bigint NOT NULL,
	"status" text NOT NULL,
	"running" boolean NOT NULL,
	"period" boolean DEFAULT false NOT NULL,
	"warning" text NOT NULL,
	"escalation_level" integer NOT NULL,
	"next_step" integer NOT NULL,
	"next_fire_at" bigint,
	"schedule_rev" integer NOT NULL,
	"dispatched_rev" integer,
	"suspended_at" bigint,
	"closed_at" bigint,
	"lateness_ms" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"case_id" text NOT NULL,
	"deadline_id" text,
	"step" text,
	"recipient" text NOT NULL,
	"warning" text,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"claimed_at" bigint,
	"attempts" integer NOT NULL,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"sent_at" bigint
);
--> statement-breakpoint
CREATE TABLE "reporter_identities" (
	"case_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"contact" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reporter_messages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "reporter_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"case_id" text NOT NULL,
	"body" text NOT NULL,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reporter_receipts" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "reporter_receipts_case_id_unique" UNIQUE("case_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"role" text NOT NULL,
	"created_at" bigint NOT NULL,
	"disabled_at" bigint,
	CONSTRAINT "users_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "warning_cards" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "warning_cards_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"deadline_id" text NOT NULL,
	"case_id" text NOT NULL,
	"unit" text,
	"warning" text NOT NULL,
	"step" text NOT NULL,
	"issued_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deadlines" ADD CONSTRAINT "deadlines_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_deadline_id_deadlines_id_fk" FOREIGN KEY ("deadline_id") REFERENCES "public"."deadlines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reporter_identities" ADD CONSTRAINT "reporter_identities_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reporter_messages" ADD CONSTRAINT "reporter_messages_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reporter_receipts" ADD CONSTRAINT "reporter_receipts_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_cards" ADD CONSTRAINT "warning_cards_deadline_id_deadlines_id_fk" FOREIGN KEY ("deadline_id") REFERENCES "public"."deadlines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_cards" ADD CONSTRAINT "warning_cards_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_user" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "case_events_case" ON "case_events" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "cases_status_type_state" ON "cases" USING btree ("status","type","state");--> statement-breakpoint
CREATE INDEX "cases_unit_created" ON "cases" USING btree ("unit","created_at","id");--> statement-breakpoint
CREATE INDEX "cases_assignee" ON "cases" USING btree ("assignee");--> statement-breakpoint
CREATE INDEX "cases_subject" ON "cases" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "cases_created" ON "cases" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "deadlines_case" ON "deadlines" USING btree ("case_id","running");--> statement-breakpoint
CREATE INDEX "deadlines_status_due" ON "deadlines" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "deadlines_unit_running_due" ON "deadlines" USING btree ("unit","due_at","id") WHERE "deadlines"."running" = true;--> statement-breakpoint
CREATE INDEX "deadlines_next_fire" ON "deadlines" USING btree ("next_fire_at") WHERE "deadlines"."running" = true AND "deadlines"."next_fire_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "deadlines_closed" ON "deadlines" USING btree ("closed_at","unit","status") WHERE "deadlines"."running" = false;--> statement-breakpoint
CREATE INDEX "deadlines_outbox" ON "deadlines" USING btree ("id") WHERE "deadlines"."running" = true AND "deadlines"."next_fire_at" IS NOT NULL AND "deadlines"."dispatched_rev" IS DISTINCT FROM "deadlines"."schedule_rev";--> statement-breakpoint
CREATE INDEX "notifications_pending" ON "notifications" USING btree ("created_at") WHERE "notifications"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_step" ON "notifications" USING btree ("deadline_id","step","recipient");--> statement-breakpoint
CREATE INDEX "reporter_messages_case" ON "reporter_messages" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "warning_cards_unit_issued" ON "warning_cards" USING btree ("unit","issued_at");--> statement-breakpoint
CREATE INDEX "warning_cards_issued" ON "warning_cards" USING btree ("issued_at","warning");--> statement-breakpoint
CREATE UNIQUE INDEX "warning_cards_step" ON "warning_cards" USING btree ("deadline_id","step");