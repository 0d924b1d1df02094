-- What the usage collector last read in each workspace: a fingerprint (SHA-256) of every agent source's
-- path, size and mtime. A workspace whose fingerprint is unchanged is not read again. File metadata only.
-- One schema for H2 (MODE=PostgreSQL) and PostgreSQL: unquoted names, VARCHAR rather than TEXT.

CREATE TABLE usage_collection (
    workspace      VARCHAR(63)  NOT NULL PRIMARY KEY,
    fingerprint    VARCHAR(64)  NOT NULL,
    sources        INTEGER      NOT NULL,
    collected_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
