-- The national interface's fuller answers and its file path (issue 16 items 7, 9, 11).
--
-- The certificate a HIS admitted the patient with (2401 mdtrt_cert_type: 01 electronic voucher,
-- 02 ID number, 03 social-security card); setlinfo.mdtrt_cert_type of 2303/2304/2305 repeats it.
-- Null on admissions made before V18: they were admitted by ID number (02).
ALTER TABLE nhsa_admission ADD COLUMN mdtrt_cert_type varchar(3);

-- A 退单 line of 2301 (negative cnt and amount) names the line it takes back (init_feedetl_sn);
-- null on an ordinary line.
ALTER TABLE nhsa_fee ADD COLUMN init_feedetl_sn varchar(30);

-- A file uploaded with 9101 (文件上传): for now, the detail file a 3202 (对明细账) names by
-- file_qury_no instead of sending its rows inline. The bytes are kept as sent (a zip of a
-- tab-separated text, or the text itself); a file is one hospital's, and is read until expires_at.
CREATE TABLE nhsa_file (
  file_qury_no   varchar(40)  NOT NULL PRIMARY KEY,
  hospital_code  varchar(32)  NOT NULL REFERENCES hospital (code),
  filename       varchar(200) NOT NULL,
  content        bytea        NOT NULL,
  size_bytes     integer      NOT NULL CHECK (size_bytes >= 0),
  sha256         char(64)     NOT NULL,
  msgid          varchar(40)  NOT NULL,
  created_at     timestamptz  NOT NULL,
  expires_at     timestamptz  NOT NULL
);
CREATE INDEX nhsa_file_expiry ON nhsa_file (expires_at);
