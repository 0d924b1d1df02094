-- How far the usage collector has read each agent file of a workspace, so a changed workspace reads
-- only what was appended. One row per file (path relative to the workspace home):
--   file_size, file_mtime, file_identity  the file as last read (identity: device and inode, where the file
--                                          system has one); unchanged size and mtime = nothing to read
--   read_offset                           just after the last complete line read; the next read starts here
--   head_hash                             SHA-256 of the file's first min(read_offset, 4096) bytes: with the
--                                          identity and size, tells a truncated or replaced file (read from 0)
--   reader_state                          what the agent's reader needs to go on at read_offset, as JSON
--                                          (Codex: session, model, turn, last cumulative totals)
-- Keyed by a SHA-256 of the path: a path may be longer than an index entry may be.
-- One schema for H2 (MODE=PostgreSQL) and PostgreSQL: unquoted names, VARCHAR rather than TEXT.

CREATE TABLE usage_collection_file (
    workspace      VARCHAR(63)   NOT NULL,
    path_hash      VARCHAR(64)   NOT NULL,
    agent          VARCHAR(16)   NOT NULL,
    path           VARCHAR(4096) NOT NULL,
    file_size      BIGINT        NOT NULL,
    file_mtime     BIGINT        NOT NULL,
    file_identity  VARCHAR(200),
    read_offset    BIGINT        NOT NULL,
    head_hash      VARCHAR(64)   NOT NULL,
    reader_state   VARCHAR(4000),
    read_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT usage_collection_file_pk PRIMARY KEY (workspace, path_hash)
);
