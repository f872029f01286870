-- sluice:revision 3c9e5f2d1b03
-- sluice:parent 2b7d4e1c0a02
-- sluice:message backfill orders.total_cents

-- sluice:up
-- A data step: chunked over the primary key, 4 workers, batches that start
-- at 10000 rows and adapt to the server. Stopped or killed, it resumes.
-- sluice:step batch-size=10000 workers=4
UPDATE orders SET total_cents = price_cents * quantity WHERE total_cents IS NULL;

-- sluice:down
-- Nothing to undo: the previous revision's down drops the column.
