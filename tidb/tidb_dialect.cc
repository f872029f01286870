// placeholder until the TiDB dialect lands
