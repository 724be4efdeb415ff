-- An imported submission is the proof that a field record was taken in once: never edited or removed.
CREATE TRIGGER imported_submissions_append_only BEFORE UPDATE OR DELETE ON imported_submissions
  FOR EACH ROW EXECUTE FUNCTION orebook_refuse_change();
