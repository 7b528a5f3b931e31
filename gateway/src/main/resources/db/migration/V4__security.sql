-- Version 4: request signatures. A signed request's nonce is remembered for the window in which
-- its timestamp is accepted, across every gateway instance, so that a captured request cannot be
-- played again. Rows older than the window are deleted by the gateway every minute.
CREATE TABLE request_nonce (
  hospital_code  varchar(32)  NOT NULL,
  nonce          varchar(64)  NOT NULL,
  seen_at        timestamptz  NOT NULL,
  PRIMARY KEY (hospital_code, nonce)
);
CREATE INDEX request_nonce_seen ON request_nonce (seen_at);
