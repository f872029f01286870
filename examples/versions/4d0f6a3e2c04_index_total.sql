-- sluice:revision 4d0f6a3e2c04
-- sluice:parent 3c9e5f2d1b03
-- sluice:message index orders.total_cents

-- sluice:up
CREATE INDEX idx_orders_total ON orders (total_cents);

-- sluice:down
DROP INDEX idx_orders_total ON orders;
