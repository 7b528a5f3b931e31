-- The national interface as real hospital systems speak it (issue 16, docs/nhsa-interface.md).
--
-- msgid: systems make it as they like (Foshan: yyyyMMddHHmmssff + 0001, 20 characters, without the
-- institution code), so the gateway takes any token of 1 to 40 characters; it stays the
-- idempotency key. The columns that hold a msgid are widened to 40 (a metadata-only change).
ALTER TABLE nhsa_admission ALTER COLUMN msgid TYPE varchar(40);
ALTER TABLE nhsa_admission ALTER COLUMN undone_msgid TYPE varchar(40);
ALTER TABLE nhsa_discharge ALTER COLUMN msgid TYPE varchar(40);
ALTER TABLE nhsa_discharge ALTER COLUMN undone_msgid TYPE varchar(40);
ALTER TABLE nhsa_fee ALTER COLUMN msgid TYPE varchar(40);
ALTER TABLE nhsa_fee ALTER COLUMN undone_msgid TYPE varchar(40);
ALTER TABLE nhsa_message ALTER COLUMN msgid TYPE varchar(40);
ALTER TABLE nhsa_message ALTER COLUMN voided_by TYPE varchar(40);

-- 9001 签到 / 9002 签退: one row per sign-in of an operator (opter_no) of a hospital. sign_no is
-- what the hospital's system sends in every later envelope; a sign-in is open until 9002 signs it
-- out (signed_out_at) or it is a day old. A second 9001 of the same operator on the same day
-- answers the open sign-in again (the national platform does the same).
CREATE TABLE nhsa_sign_in (
  sign_no        varchar(30)  NOT NULL PRIMARY KEY,
  hospital_code  varchar(32)  NOT NULL REFERENCES hospital (code),
  opter_no       varchar(30)  NOT NULL,
  mac            varchar(64),
  ip             varchar(64),
  msgid          varchar(40)  NOT NULL,
  signed_in_at   timestamptz  NOT NULL,
  signed_out_at  timestamptz,
  CHECK (signed_out_at IS NULL OR signed_out_at >= signed_in_at)
);
CREATE INDEX nhsa_sign_in_open ON nhsa_sign_in (hospital_code, opter_no, signed_in_at)
  WHERE signed_out_at IS NULL;
