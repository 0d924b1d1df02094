-- One schema for H2 (MODE=PostgreSQL) and PostgreSQL: unquoted names, VARCHAR for JSON text
-- (H2 maps TEXT to a CLOB, which R2DBC hands back as a stream rather than a string).

CREATE TABLE workspace (
    name          VARCHAR(63)    NOT NULL PRIMARY KEY,
    runtime       VARCHAR(16)    NOT NULL,
    image         VARCHAR(255),
    status        VARCHAR(16)    NOT NULL,
    repository    VARCHAR(2048),
    env           VARCHAR(65535) NOT NULL,
    ports         VARCHAR(65535) NOT NULL,
    runtime_id    VARCHAR(128),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    version       BIGINT         NOT NULL
);

CREATE INDEX workspace_status_idx ON workspace (status);

CREATE TABLE stored_setting (
    setting_key    VARCHAR(128)   NOT NULL PRIMARY KEY,
    setting_value  VARCHAR(65535) NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    version        BIGINT         NOT NULL
);
