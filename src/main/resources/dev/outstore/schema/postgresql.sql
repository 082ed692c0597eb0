-- outstore schema for PostgreSQL 12+. Idempotent: safe to run on every start or from a migration tool.
-- id: pooled by Hibernate (INCREMENT BY must equal the entity's allocationSize, 50).
-- seq: assigned by the database at insert; orders the entries of one key.
CREATE SEQUENCE IF NOT EXISTS outbox_entry_id_seq START WITH 1 INCREMENT BY 50;
CREATE SEQUENCE IF NOT EXISTS outbox_entry_seq_seq;

CREATE TABLE IF NOT EXISTS outbox_entry (
    id           bigint       PRIMARY KEY,
    seq          bigint       NOT NULL DEFAULT nextval('outbox_entry_seq_seq'),
    msg_key      varchar(255) NOT NULL,
    msg_type     varchar(255) NOT NULL,
    payload      text         NOT NULL,
    headers      text,
    status       varchar(8)   NOT NULL,
    attempts     integer      NOT NULL DEFAULT 0,
    available_at timestamptz  NOT NULL,
    created_at   timestamptz  NOT NULL,
    done_at      timestamptz,
    last_error   text,
    CONSTRAINT outbox_entry_status_check CHECK (status IN ('PENDING', 'DONE', 'DEAD'))
);

-- The claim scans pending rows in seq order and stops at the batch size.
CREATE INDEX IF NOT EXISTS outbox_entry_pending_seq ON outbox_entry (seq) WHERE status = 'PENDING';
-- After the claim locked its rows: the pending entries of their keys, to keep each key's leading run.
CREATE INDEX IF NOT EXISTS outbox_entry_pending_key ON outbox_entry (msg_key, seq) WHERE status = 'PENDING';
-- The claim's backoff check ("no earlier entry of this key waiting for a retry") probes only entries
-- that failed before; this index stays small and costs a first send nothing.
CREATE INDEX IF NOT EXISTS outbox_entry_retrying_key ON outbox_entry (msg_key, seq) WHERE status = 'PENDING' AND attempts > 0;

-- An entry whose delivery just failed, kept from every dispatcher until its retry time: the failed
-- transaction's rollback frees the row before the failure is recorded on it.
CREATE TABLE IF NOT EXISTS outbox_hold (
    entry_id     bigint       PRIMARY KEY,
    held_until   timestamptz  NOT NULL
);
