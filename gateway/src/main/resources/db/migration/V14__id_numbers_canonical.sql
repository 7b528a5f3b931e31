-- ID numbers are stored in their one canonical spelling (IdNumber: 18 characters, upper-case X)
-- since issue 12.4; rows saved before then may hold a first-generation 15-digit number or a
-- lower-case x. The person's figures, caps and identities are keyed by the number, so an old
-- spelling would be a second person: the cap could be paid again and identities stop matching.
-- This converts every stored number exactly as IdNumber.parse does: 15 digits become 18 by
-- inserting "19" before the 2-digit year and appending the ISO 7064 MOD 11-2 check character; a
-- lower-case x becomes X. Other values are left as they are (nothing else was ever converted).
--
-- Where converting would make two rows one (two accumulator rows of one person-year, two
-- nhsa_person rows of one person), the migration refuses and changes nothing: adding money
-- figures together automatically is not safe (docs/robustness.md, "Upgrading to V14").
/* [jooq ignore start] */
CREATE FUNCTION yizhan_v14_id_no(t text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  weights int[] := ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  body text;
  total int := 0;
BEGIN
  IF t ~ '^[0-9]{17}x$' THEN
    RETURN substr(t, 1, 17) || 'X';
  END IF;
  IF t !~ '^[0-9]{15}$' THEN
    RETURN t;
  END IF;
  body := substr(t, 1, 6) || '19' || substr(t, 7);
  FOR i IN 1..17 LOOP
    total := total + substr(body, i, 1)::int * weights[i];
  END LOOP;
  RETURN body || substr('10X98765432', total % 11 + 1, 1);
END
$$;

DO $$
DECLARE
  n bigint;
BEGIN
  SELECT count(*) INTO n FROM (
    SELECT 1 FROM accumulator
     GROUP BY yizhan_v14_id_no(person_id_no), year HAVING count(*) > 1) d;
  IF n > 0 THEN
    RAISE EXCEPTION 'V14 refused: accumulator holds % person-year(s) under two spellings of one ID '
      'number (a 15-digit or lower-case-x form and the 18-character form). Merge each pair by hand '
      '(add the figures of the old-form row into the 18-character row, then delete the old-form '
      'row; see docs/robustness.md, "Upgrading to V14"), then start again.', n;
  END IF;
  SELECT count(*) INTO n FROM (
    SELECT 1 FROM nhsa_person
     GROUP BY yizhan_v14_id_no(person_id_no) HAVING count(*) > 1) d;
  IF n > 0 THEN
    RAISE EXCEPTION 'V14 refused: nhsa_person holds % person(s) under two spellings of one ID '
      'number. For each, point nhsa_admission.person_id of the old-form row at the 18-character '
      'row, then delete the old-form row (see docs/robustness.md, "Upgrading to V14"), then start '
      'again.', n;
  END IF;
END
$$;

UPDATE claim SET person_id_no = yizhan_v14_id_no(person_id_no)
 WHERE person_id_no <> yizhan_v14_id_no(person_id_no);
UPDATE settlement SET person_id_no = yizhan_v14_id_no(person_id_no)
 WHERE person_id_no <> yizhan_v14_id_no(person_id_no);
UPDATE accumulator SET person_id_no = yizhan_v14_id_no(person_id_no)
 WHERE person_id_no <> yizhan_v14_id_no(person_id_no);
UPDATE person_identity SET person_id_no = yizhan_v14_id_no(person_id_no)
 WHERE person_id_no <> yizhan_v14_id_no(person_id_no);
UPDATE nhsa_person SET person_id_no = yizhan_v14_id_no(person_id_no)
 WHERE person_id_no <> yizhan_v14_id_no(person_id_no);

DROP FUNCTION yizhan_v14_id_no(text);
/* [jooq ignore stop] */
