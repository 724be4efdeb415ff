-- The journal and its checkpoints are append-only: the database itself refuses to change or remove
-- a row, whatever the application does. A correction is a new event that points at the old one.
CREATE OR REPLACE FUNCTION orebook_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'rows of % are append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'P0001';
END
$$;
--> statement-breakpoint
CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
  FOR EACH STATEMENT EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_checkpoints_append_only BEFORE UPDATE OR DELETE ON journal_checkpoints
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_checkpoints_no_truncate BEFORE TRUNCATE ON journal_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
INSERT INTO journal_head (id, size) VALUES (1, 0);
--> statement-breakpoint
-- The registry's serial blocks use EXCLUDE constraints over integer ranges, which need btree_gist.
CREATE EXTENSION IF NOT EXISTS btree_gist;
