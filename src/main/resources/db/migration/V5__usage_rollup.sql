-- Usage totals per UTC quarter hour, workspace, agent and model, kept in step with usage_record in the
-- transaction that inserts, updates (keep-larger) or deletes (retention) records. A summary reads these
-- rows instead of the records: every real time zone's offset is a multiple of 15 minutes, so the
-- quarter hours of a day, week or month in any zone (DST included) are exactly its buckets.
-- One schema for H2 (MODE=PostgreSQL) and PostgreSQL: unquoted names, VARCHAR rather than TEXT.

CREATE TABLE usage_rollup (
    -- quarter hours since 1970-01-01T00:00Z: floor(epoch seconds / 900)
    quarter                INTEGER       NOT NULL,
    workspace              VARCHAR(128)  NOT NULL,
    agent                  VARCHAR(32)   NOT NULL,
    model                  VARCHAR(128)  NOT NULL,
    requests               BIGINT        NOT NULL,
    input_tokens           BIGINT        NOT NULL,
    output_tokens          BIGINT        NOT NULL,
    cache_read_tokens      BIGINT        NOT NULL,
    cache_write_5m_tokens  BIGINT        NOT NULL,
    cache_write_1h_tokens  BIGINT        NOT NULL,
    reasoning_tokens       BIGINT        NOT NULL,
    -- the sum of the priced records' cost; the records without a cost are counted in unpriced
    cost                   NUMERIC(28, 10) NOT NULL,
    unpriced               BIGINT        NOT NULL,
    CONSTRAINT usage_rollup_pk PRIMARY KEY (quarter, workspace, agent, model)
);

-- an existing installation's records
INSERT INTO usage_rollup (quarter, workspace, agent, model, requests, input_tokens, output_tokens,
        cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, cost, unpriced)
SELECT quarter, workspace, agent, model, COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens),
       SUM(cache_write_5m_tokens), SUM(cache_write_1h_tokens), SUM(reasoning_tokens), COALESCE(SUM(cost), 0),
       SUM(CASE WHEN cost IS NULL THEN 1 ELSE 0 END)
FROM (SELECT CAST(FLOOR(EXTRACT(EPOCH FROM occurred_at) / 900) AS INTEGER) AS quarter, workspace, agent, model,
             input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
             reasoning_tokens, cost
      FROM usage_record) r
GROUP BY quarter, workspace, agent, model;
