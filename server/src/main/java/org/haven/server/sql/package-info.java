/**
 * The durable records in a SQL database: SQLite embedded (the default, one file in the data
 * directory) or PostgreSQL (shared by the nodes of a cluster). Schema migrations by Flyway, the same
 * SQL on both; blocking JDBC on the database's own threads only.
 */
@NullMarked
package org.haven.server.sql;

import org.jspecify.annotations.NullMarked;
