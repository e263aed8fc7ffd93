-- Impressions reported for the day at each monitoring sample, next to its spend. A healthy feed's
-- reported impressions grow in practically every poll, so a frozen feed or a stalled delivery shows
-- within an hour or two where spend alone (often under one click an hour) needs many hours of silence.
-- NULL means unknown: samples recorded before this column carry no impressions, and the checks fall back
-- to spend for them (a default of 0 would read as "no impressions" and is deliberately not used).
ALTER TABLE monitor_spend_samples ADD COLUMN impressions bigint DEFAULT NULL CHECK (impressions >= 0);
