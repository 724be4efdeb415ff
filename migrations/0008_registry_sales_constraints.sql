-- Sales, certificates and footprints are records of what happened: never updated or deleted.
-- Mistakes are corrected by new rows (a new price, a new order, a new calculation).
CREATE TRIGGER reference_prices_append_only BEFORE UPDATE OR DELETE ON reference_prices
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER credit_prices_append_only BEFORE UPDATE OR DELETE ON credit_prices
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER credit_orders_append_only BEFORE UPDATE OR DELETE ON credit_orders
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER credit_payments_append_only BEFORE UPDATE OR DELETE ON credit_payments
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER credit_premiums_append_only BEFORE UPDATE OR DELETE ON credit_premiums
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER credit_certificates_append_only BEFORE UPDATE OR DELETE ON credit_certificates
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER footprint_calculations_append_only BEFORE UPDATE OR DELETE ON footprint_calculations
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER footprint_lines_append_only BEFORE UPDATE OR DELETE ON footprint_lines
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
