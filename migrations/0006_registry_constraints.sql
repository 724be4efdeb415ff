-- No unit of a batch is ever in two live blocks: the database refuses overlapping live ranges.
ALTER TABLE credit_blocks ADD CONSTRAINT credit_blocks_no_overlap
  EXCLUDE USING gist (batch_id WITH =, int8range(first_unit, last_unit, '[]') WITH &&) WHERE (superseded_at IS NULL);
--> statement-breakpoint
-- A block never changes. The one update allowed marks a live held block superseded (when part of it
-- moves, is retired or is cancelled, its pieces are inserted); retired and cancelled blocks never
-- change at all. A block is born live and within its batch's units. Nothing is ever deleted.
CREATE OR REPLACE FUNCTION orebook_credit_block_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.superseded_at IS NOT NULL THEN
      RAISE EXCEPTION 'a credit block is inserted live, never already superseded' USING ERRCODE = 'P0001';
    END IF;
    IF NEW.last_unit > (SELECT quantity_kg FROM credit_batches WHERE id = NEW.batch_id) THEN
      RAISE EXCEPTION 'credit block %-% lies beyond the units of batch %', NEW.first_unit, NEW.last_unit, NEW.batch_id USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
  END IF;
  -- Generated columns are not yet computed in a BEFORE trigger, so quantity_kg is left out of the comparison.
  IF TG_OP = 'UPDATE' AND OLD.state = 'held' AND OLD.superseded_at IS NULL AND NEW.superseded_at IS NOT NULL
     AND (to_jsonb(NEW) - 'superseded_at' - 'quantity_kg') = (to_jsonb(OLD) - 'superseded_at' - 'quantity_kg') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'credit blocks never change: only a live held block may be marked superseded (% of block % refused)', TG_OP, OLD.id USING ERRCODE = 'P0001';
END
$$;
--> statement-breakpoint
CREATE TRIGGER credit_blocks_guard BEFORE INSERT OR UPDATE OR DELETE ON credit_blocks
  FOR EACH ROW EXECUTE FUNCTION orebook_credit_block_guard();
--> statement-breakpoint
CREATE TRIGGER credit_blocks_no_truncate BEFORE TRUNCATE ON credit_blocks
  FOR EACH STATEMENT EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
-- Batches, transfers and the ranges they moved, retirements and cancellations are facts: never changed, never removed.
CREATE TRIGGER credit_batches_append_only BEFORE UPDATE OR DELETE ON credit_batches
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER credit_transfers_append_only BEFORE UPDATE OR DELETE ON credit_transfers
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER credit_transfer_blocks_append_only BEFORE UPDATE OR DELETE ON credit_transfer_blocks
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER credit_retirements_append_only BEFORE UPDATE OR DELETE ON credit_retirements
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER credit_cancellations_append_only BEFORE UPDATE OR DELETE ON credit_cancellations
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
-- Accounts change status (approved, suspended) but are never removed: blocks and history point at them.
CREATE TRIGGER credit_accounts_no_delete BEFORE DELETE ON credit_accounts
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
