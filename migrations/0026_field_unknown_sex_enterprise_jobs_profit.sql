ALTER TABLE "safety_incident_people" DROP CONSTRAINT "safety_incident_people_sex_valid";
--> statement-breakpoint
ALTER TABLE "savings_enterprise_revenues" ADD COLUMN "profit_minor" integer;
--> statement-breakpoint
ALTER TABLE "savings_enterprises" ADD COLUMN "jobs_created" integer;
--> statement-breakpoint
ALTER TABLE "safety_incident_people" ADD CONSTRAINT "safety_incident_people_sex_valid" CHECK ("safety_incident_people"."sex" in ('female', 'male', 'unknown'));
--> statement-breakpoint
ALTER TABLE "savings_enterprise_revenues" ADD CONSTRAINT "savings_enterprise_revenues_profit_within_takings" CHECK ("savings_enterprise_revenues"."profit_minor" is null or "savings_enterprise_revenues"."profit_minor" <= "savings_enterprise_revenues"."revenue_minor");
--> statement-breakpoint
ALTER TABLE "savings_enterprises" ADD CONSTRAINT "savings_enterprises_jobs_range" CHECK ("savings_enterprises"."jobs_created" is null or "savings_enterprises"."jobs_created" between 0 and 1000);
