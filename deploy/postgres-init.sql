-- The cluster's three databases (scripts/cluster_postgres.sh creates the same ones),
-- owned by POSTGRES_USER, who runs this on the first start of the postgres container.
CREATE DATABASE tracker;
CREATE DATABASE analytics;
CREATE DATABASE servicedesk;
