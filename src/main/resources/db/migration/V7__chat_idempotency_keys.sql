-- The Idempotency-Keys of messages sent to OpenCode sessions, so that a key used before a restart of Perch
-- is still known: the message is not sent again (the client gets a 409 idempotency-key-used instead).
-- Kept 24 hours after first use. One schema for H2 (MODE=PostgreSQL) and PostgreSQL.

CREATE TABLE chat_idempotency_key (
    workspace        VARCHAR(63)              NOT NULL,
    session_id       VARCHAR(100)             NOT NULL,
    idempotency_key  VARCHAR(200)             NOT NULL,
    used_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (workspace, session_id, idempotency_key)
);

CREATE INDEX chat_idempotency_key_used_at ON chat_idempotency_key (used_at);
