-- The client of each alert, so a help press finds that client's open alert without reading the
-- organisation's others. Alerts stored before this have none (null): they are read and filtered.
ALTER TABLE alerts ADD COLUMN client TEXT;
CREATE INDEX alerts_open_by_client ON alerts (org, client, is_open);
