-- One Postgres server, one database per service (README.md: The parts).
-- GENERATED from the service registry (packages/services) by `npm run generate`.
--
-- The official postgres image runs this file once, with psql as POSTGRES_USER, when it
-- initialises an EMPTY data directory (docker-compose.yml mounts docker/postgres/ on
-- /docker-entrypoint-initdb.d/). With an existing volume it is skipped: to add a database to a
-- running deployment, run the matching CREATE DATABASE by hand.
--
-- Each service creates its own tables with its own Kysely migrations (MIGRATE_ON_START=true);
-- this file only creates the empty databases.
--
-- Temporal's databases (temporal, temporal_visibility) are not created here: the
-- temporalio/auto-setup image creates them itself (SKIP_DB_CREATE defaults to false) and
-- installs or upgrades their schema at every start.

CREATE DATABASE users;
CREATE DATABASE comments;
CREATE DATABASE reviews;
CREATE DATABASE catalog;
CREATE DATABASE merchants;
