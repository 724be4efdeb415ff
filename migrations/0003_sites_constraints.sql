-- A correction points at the declaration it corrects; declarations are never edited or removed.
ALTER TABLE production_declarations ADD CONSTRAINT production_corrects_fk FOREIGN KEY (corrects_id) REFERENCES production_declarations (id);
--> statement-breakpoint
CREATE TRIGGER production_declarations_append_only BEFORE UPDATE OR DELETE ON production_declarations
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
-- Signed statements and draws on them are facts: never changed, never removed.
CREATE TRIGGER verification_statements_append_only BEFORE UPDATE OR DELETE ON verification_statements
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER verification_draws_append_only BEFORE UPDATE OR DELETE ON verification_draws
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
-- Two statements of one site and mineral never cover the same day.
ALTER TABLE verification_statements ADD CONSTRAINT verification_statements_no_overlap
  EXCLUDE USING gist (site_id WITH =, mineral WITH =, daterange(period_start, period_end, '[]') WITH &&);
--> statement-breakpoint
INSERT INTO minerals (code, symbol, label_en, label_fr) VALUES
  ('cobalt', 'CO', 'Cobalt', 'Cobalt'),
  ('copper', 'CU', 'Copper', 'Cuivre');
