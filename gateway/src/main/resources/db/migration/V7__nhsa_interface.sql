-- The national interface (医疗保障信息平台 定点医药机构接口规范, package org.yizhan.gateway.nhsa):
-- persons known by a psn_no, admissions (mdtrt), fee details and discharges as the hospital's
-- system sends them, and the message log that makes msgid an idempotency key and lets 2601
-- (冲正) undo a message. Settlements themselves live in the tables of V1, made by the same
-- service as the JSON API's.
--
-- Every change the national messages make is a row that knows the message that made it
-- (msgid) and, once undone, the message that undid it (undone_msgid): 2302 undoes fee rows,
-- 2405 undoes a discharge, 2404 cancels an admission, and 2601 of any of them sets or clears
-- the same column. "Live" rows are those not undone; partial unique indexes keep one live row
-- per key. Times the hospital sends (begntime, endtime, fee_ocur_time) are its local times,
-- kept as timestamp without zone.

-- A person as the national messages name them: psn_no is "YZ" and the row id in 18 digits,
-- assigned on first sight (1101) and stable for ever; the ID number never travels in psn_no.
CREATE TABLE nhsa_person (
  id            bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id_no  varchar(32)  NOT NULL UNIQUE,
  psn_name      varchar(64),
  created_at    timestamptz  NOT NULL
);

-- An admission (2401 入院办理). version counts every change to it, its fee details or its
-- discharge, so that a settlement computed from one version can tell that another was written
-- meanwhile.
CREATE TABLE nhsa_admission (
  mdtrt_id         varchar(30)  NOT NULL PRIMARY KEY,
  hospital_code    varchar(32)  NOT NULL REFERENCES hospital (code),
  person_id        bigint       NOT NULL REFERENCES nhsa_person (id),
  insutype         varchar(6)   NOT NULL,
  office_code      char(6)      NOT NULL,
  med_type         varchar(6)   NOT NULL,
  ipt_no           varchar(30)  NOT NULL,
  begntime         timestamp    NOT NULL,
  version          integer      NOT NULL DEFAULT 0,
  msgid            varchar(30)  NOT NULL,
  undone_msgid     varchar(30),
  created_at       timestamptz  NOT NULL
);
CREATE UNIQUE INDEX nhsa_admission_live_ipt ON nhsa_admission (hospital_code, ipt_no)
  WHERE undone_msgid IS NULL;
CREATE INDEX nhsa_admission_msgid ON nhsa_admission (hospital_code, msgid);

-- A discharge (2402 出院办理); 2405 undoes it.
CREATE TABLE nhsa_discharge (
  id            bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mdtrt_id      varchar(30)  NOT NULL REFERENCES nhsa_admission (mdtrt_id),
  endtime       timestamp    NOT NULL,
  msgid         varchar(30)  NOT NULL,
  undone_msgid  varchar(30),
  created_at    timestamptz  NOT NULL
);
CREATE UNIQUE INDEX nhsa_discharge_live ON nhsa_discharge (mdtrt_id) WHERE undone_msgid IS NULL;

-- A fee detail (2301 费用明细上传); 2302 undoes it. Quantities and prices with the national
-- scales (cnt 16,4; pric 16,6), amounts yuan with 2 decimals.
CREATE TABLE nhsa_fee (
  id                   bigint         GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mdtrt_id             varchar(30)    NOT NULL REFERENCES nhsa_admission (mdtrt_id),
  feedetl_sn           varchar(30)    NOT NULL,
  med_list_codg        varchar(64)    NOT NULL,
  medins_list_codg     varchar(150)   NOT NULL,
  cnt                  numeric(16,4)  NOT NULL,
  pric                 numeric(18,6)  NOT NULL,
  det_item_fee_sumamt  numeric(14,2)  NOT NULL,
  fee_ocur_time        timestamp      NOT NULL,
  msgid                varchar(30)    NOT NULL,
  undone_msgid         varchar(30),
  created_at           timestamptz    NOT NULL
);
CREATE UNIQUE INDEX nhsa_fee_live_sn ON nhsa_fee (mdtrt_id, feedetl_sn) WHERE undone_msgid IS NULL;
CREATE INDEX nhsa_fee_msgid ON nhsa_fee (mdtrt_id, msgid);

-- The message log: one row per msgid of a hospital. state DONE holds the answer sent, replayed
-- byte for byte when the same message comes again; VOIDED marks a msgid that a 2601 named
-- before the message itself arrived, so that it is refused if it ever does. voided_by is the
-- 2601 that undid the message. mdtrt_id and settlement_id say what the message touched.
CREATE TABLE nhsa_message (
  hospital_code   varchar(32)  NOT NULL REFERENCES hospital (code),
  msgid           varchar(30)  NOT NULL,
  infno           varchar(4)   NOT NULL,
  state           varchar(8)   NOT NULL CHECK (state IN ('DONE', 'VOIDED')),
  request_sha256  char(64),
  response        text,
  mdtrt_id        varchar(30),
  settlement_id   uuid,
  voided_by       varchar(30),
  created_at      timestamptz  NOT NULL,
  PRIMARY KEY (hospital_code, msgid),
  CHECK ((state = 'DONE') = (response IS NOT NULL)),
  CHECK (state = 'DONE' OR voided_by IS NOT NULL)
);
