-- Claims by discharge day (issue 19, docs/policies.md "A settled day stays settled").
--
-- Before a policy version is drafted or approved, the gateway asks for the latest discharge day a
-- live settlement of the line has used from the version's start on. The start is always after
-- today, so the answer is among the few claims discharged in the future (a hospital may settle a
-- planned discharge ahead); this index finds them without reading the claim table, which matters
-- most during the approval, which holds settlement writes off while it asks.
CREATE INDEX claim_discharge_date ON claim (discharge_date);
