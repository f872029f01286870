// placeholder until the MySQL dialect lands
