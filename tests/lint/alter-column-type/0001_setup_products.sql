-- migrate:up
CREATE TABLE products (
  id int PRIMARY KEY,
  title varchar(50),
  price numeric(10, 2),
  sku varchar(20)
);

-- migrate:down
DROP TABLE products;
