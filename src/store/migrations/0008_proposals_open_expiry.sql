-- The approval queue expires due proposals before it lists them (and every cycle does too): find the
-- open ones past their review window without reading the whole history of decided proposals.
CREATE INDEX proposals_open_expiry ON proposals (expires_at) WHERE status IN ('proposed', 'approved');
