-- The desired schema of the demo project: what versions/ builds, as it
-- should be. Change it and run `sluice revision --autogenerate -m "..."`;
-- `sluice check --drift` tells whether a database matches it.
CREATE TABLE orders (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL,
  price_cents INT NOT NULL,
  quantity INT NOT NULL,
  created_at DATETIME NOT NULL,
  total_cents BIGINT NULL,
  KEY idx_orders_customer (customer_id),
  KEY idx_orders_total (total_cents)
) ENGINE=InnoDB;
