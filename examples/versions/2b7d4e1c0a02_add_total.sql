-- sluice:revision 2b7d4e1c0a02
-- sluice:parent 1f0c2a7e9b01
-- sluice:message add orders.total_cents

-- sluice:up
-- A schema step: sluice picks INSTANT, INPLACE or a shadow copy online.
ALTER TABLE orders ADD COLUMN total_cents BIGINT NULL;

-- sluice:down
ALTER TABLE orders DROP COLUMN total_cents;
