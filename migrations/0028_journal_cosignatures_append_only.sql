-- A witness's cosignature is evidence that the witness saw this checkpoint extend the ones before:
-- once kept, the database refuses to change or remove it, as it does the checkpoint it cosigns.
CREATE TRIGGER journal_cosignatures_append_only BEFORE UPDATE OR DELETE ON journal_cosignatures
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_cosignatures_no_truncate BEFORE TRUNCATE ON journal_cosignatures
  FOR EACH STATEMENT EXECUTE FUNCTION orebook_refuse_change();
