-- A follow-up visit or a support can never be dated before the child was identified: the
-- commands refuse it with a clear error, and the database holds the rule for any other writer.
CREATE FUNCTION child_case_refuse_before_identification() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  identified date;
  dated date;
BEGIN
  SELECT identified_on INTO identified FROM child_cases WHERE id = NEW.case_id;
  IF TG_TABLE_NAME = 'child_visits' THEN dated := NEW.visited_on; ELSE dated := NEW.started_on; END IF;
  IF dated < identified THEN
    RAISE EXCEPTION '% of case % is dated %, before the child was identified on %', TG_TABLE_NAME, NEW.case_id, dated, identified USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER child_visits_after_identification BEFORE INSERT OR UPDATE ON child_visits
  FOR EACH ROW EXECUTE FUNCTION child_case_refuse_before_identification();
--> statement-breakpoint
CREATE TRIGGER child_supports_after_identification BEFORE INSERT OR UPDATE ON child_supports
  FOR EACH ROW EXECUTE FUNCTION child_case_refuse_before_identification();
--> statement-breakpoint
-- Visits are facts of the follow-up: never changed or removed (a mistake is a new visit).
CREATE TRIGGER child_visits_append_only BEFORE UPDATE OR DELETE ON child_visits
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
