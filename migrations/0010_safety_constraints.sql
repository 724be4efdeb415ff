-- A correction points at the incident it supersedes; incidents, the people they affected and the
-- corrective actions they led to are never edited or removed.
ALTER TABLE safety_incidents ADD CONSTRAINT safety_incidents_corrects_fk FOREIGN KEY (corrects_id) REFERENCES safety_incidents (id);
--> statement-breakpoint
CREATE TRIGGER safety_incidents_append_only BEFORE UPDATE OR DELETE ON safety_incidents
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER safety_incident_people_append_only BEFORE UPDATE OR DELETE ON safety_incident_people
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER safety_incident_actions_append_only BEFORE UPDATE OR DELETE ON safety_incident_actions
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
-- Recorded hours and settings change by new entries (the latest counts), so past figures can be traced.
CREATE TRIGGER safety_hours_worked_append_only BEFORE UPDATE OR DELETE ON safety_hours_worked
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER safety_site_settings_append_only BEFORE UPDATE OR DELETE ON safety_site_settings
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
