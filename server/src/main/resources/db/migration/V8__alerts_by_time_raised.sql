-- The search of an organisation's alerts by time of raising (AlertStore.search): when each alert was
-- raised and its state, written with every save, and an index in the search's order (newest raised
-- first, then by id), so a page is read from the index and stops at its LIMIT, never the
-- organisation's whole history.
ALTER TABLE alerts ADD COLUMN raised_at BIGINT;  -- epoch milliseconds
ALTER TABLE alerts ADD COLUMN state TEXT;        -- Alerts.State's name, e.g. RAISED
CREATE INDEX alerts_by_raised_at ON alerts (org, raised_at DESC, id);

-- Rows stored before this have neither (null) until each node, at start, reads them from the body
-- (SqlAlertStore.indexEarlierAlerts, in batches): this index finds those rows without a scan, also
-- when a node of the previous version stored some during a rolling upgrade.
CREATE INDEX alerts_not_searchable ON alerts (id) WHERE raised_at IS NULL;
