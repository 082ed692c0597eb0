-- outstore schema for H2 2.x. Idempotent: safe to run on every start or from a migration tool.
-- H2 has no partial indexes; the indexes cover all rows.
CREATE SEQUENCE IF NOT EXISTS outbox_entry_id_seq START WITH 1 INCREMENT BY 50;
CREATE SEQUENCE IF NOT EXISTS outbox_entry_seq_seq;

CREATE TABLE IF NOT EXISTS outbox_entry (
    id           bigint       PRIMARY KEY,
    seq          bigint       DEFAULT NEXT VALUE FOR outbox_entry_seq_seq NOT NULL,
    msg_key      varchar(255) NOT NULL,
    msg_type     varchar(255) NOT NULL,
    payload      varchar      NOT NULL,
    headers      varchar,
    status       varchar(8)   NOT NULL,
    attempts     integer      DEFAULT 0 NOT NULL,
    available_at timestamp(6) with time zone NOT NULL,
    created_at   timestamp(6) with time zone NOT NULL,
    done_at      timestamp(6) with time zone,
    last_error   varchar,
    CONSTRAINT outbox_entry_status_check CHECK (status IN ('PENDING', 'DONE', 'DEAD'))
);

CREATE INDEX IF NOT EXISTS outbox_entry_status_seq ON outbox_entry (status, seq);
CREATE INDEX IF NOT EXISTS outbox_entry_key_status_seq ON outbox_entry (msg_key, status, seq);

CREATE TABLE IF NOT EXISTS outbox_hold (
    entry_id     bigint       PRIMARY KEY,
    held_until   timestamp(6) with time zone NOT NULL
);
