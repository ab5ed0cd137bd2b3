ALTER TABLE "reporter_identities" ALTER COLUMN "name" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "reporter_identities" ADD COLUMN "key_id" text;--> statement-breakpoint
ALTER TABLE "reporter_identities" ADD COLUMN "wrapped_key" text;--> statement-breakpoint
ALTER TABLE "reporter_identities" ADD COLUMN "sealed_fields" text;