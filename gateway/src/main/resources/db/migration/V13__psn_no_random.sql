-- psn_no was "YZ" and the row id in 18 digits: sequential, so anyone with a key could walk the
-- persons (issue 13.4). Now every person has a random psn_no, "YZ" and 28 hex digits (112 random
-- bits), assigned by the gateway on first sight (1101) and stored here; the row id never leaves the
-- database. Existing persons get a random one now, from PostgreSQL's strong random source
-- (gen_random_uuid: the version digit is skipped). Their old numbers stop resolving, on purpose:
-- kept as aliases they could still be walked. A HIS asks 1101 again (as it does at every
-- admission), which answers the new number, stable from then on.
ALTER TABLE nhsa_person ADD COLUMN psn_no varchar(30);

/* [jooq ignore start] */
UPDATE nhsa_person
   SET psn_no = 'YZ' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 12)
                     || substr(replace(gen_random_uuid()::text, '-', ''), 14, 16);
/* [jooq ignore stop] */

ALTER TABLE nhsa_person ALTER COLUMN psn_no SET NOT NULL;
CREATE UNIQUE INDEX nhsa_person_psn_no ON nhsa_person (psn_no);
