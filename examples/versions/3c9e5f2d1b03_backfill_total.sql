-- sluice:revision 3c9e5f2d1b03
-- sluice:parent 2b7d4e1c0a02
-- sluice:message backfill orders.total_cents

-- sluice:up
-- A data step with the defaults: chunked over the primary key, one worker,
-- batches sized to about 25 ms each and shrunk further while the
-- application waits on their locks (docs/DATA_STEPS.md). Stopped or killed,
-- it resumes.
-- sluice:step
UPDATE orders SET total_cents = price_cents * quantity WHERE total_cents IS NULL;

-- sluice:down
-- Nothing to undo: the previous revision's down drops the column.
