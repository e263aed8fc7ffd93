-- When a cycle last re-read its account's whole lookback window (the days behind today whose numbers
-- late conversions still change), in the account's simulated or real time. In between, cycles read
-- today only: late conversions move earlier days slowly, and re-reading them every 15 minutes costs
-- platform API quota and a write of every changed row.
-- Both the instant and the account-local date it fell on: a new local day always re-reads the window.
ALTER TABLE service_accounts ADD COLUMN lookback_synced_at timestamptz, ADD COLUMN lookback_synced_on date;
