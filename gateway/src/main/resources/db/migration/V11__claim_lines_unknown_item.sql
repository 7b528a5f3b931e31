-- Whether each line's item code had no catalogue entry on the discharge date (issue 12): such a
-- line is priced as C (the patient pays it) and flagged in the answer, so the flag is stored to
-- read back exactly as answered. NULL for claims stored before V11 (not recorded).
ALTER TABLE claim_lines ADD COLUMN unknown_item boolean[];

/* [jooq ignore start] */
ALTER TABLE claim_lines ADD CONSTRAINT claim_lines_unknown_item CHECK (
  unknown_item IS NULL
  OR (cardinality(unknown_item) = cardinality(line_no) AND array_position(unknown_item, NULL) IS NULL));
/* [jooq ignore stop] */
