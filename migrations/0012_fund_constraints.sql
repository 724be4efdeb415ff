-- The fund's ledger keeps each account's balance as the sum of its entries: the database adds every
-- new entry to its account, and the accounts' CHECK refuses an entry that would overdraw one (the
-- available balance above all). Nothing else may change a balance.
CREATE OR REPLACE FUNCTION fund_entry_posts_to_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE fund_ledger_accounts SET balance_minor = balance_minor + NEW.amount_minor WHERE id = NEW.account_id;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER fund_entries_post AFTER INSERT ON fund_entries
  FOR EACH ROW EXECUTE FUNCTION fund_entry_posts_to_account();
--> statement-breakpoint
-- Only the posting trigger (nested, depth > 1) changes an account, and only its balance.
CREATE OR REPLACE FUNCTION fund_account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR pg_trigger_depth() < 2
     OR NEW.fund_id <> OLD.fund_id OR NEW.currency <> OLD.currency OR NEW.kind <> OLD.kind
     OR NEW.proposal_id IS DISTINCT FROM OLD.proposal_id THEN
    RAISE EXCEPTION 'fund ledger accounts change only through their entries: % refused', TG_OP USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER fund_ledger_accounts_guard BEFORE UPDATE OR DELETE ON fund_ledger_accounts
  FOR EACH ROW EXECUTE FUNCTION fund_account_guard();
--> statement-breakpoint
CREATE TRIGGER fund_ledger_accounts_opened_empty BEFORE INSERT ON fund_ledger_accounts
  FOR EACH ROW WHEN (NEW.balance_minor <> 0) EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER fund_transactions_append_only BEFORE UPDATE OR DELETE ON fund_transactions
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER fund_entries_append_only BEFORE UPDATE OR DELETE ON fund_entries
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER fund_exchange_rates_append_only BEFORE UPDATE OR DELETE ON fund_exchange_rates
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER fund_votes_append_only BEFORE UPDATE OR DELETE ON fund_votes
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER fund_meeting_attendance_append_only BEFORE UPDATE OR DELETE ON fund_meeting_attendance
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
