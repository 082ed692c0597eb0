package dev.outstore.it;

import dev.outstore.OutboxMessage;
import dev.outstore.OutboxType;

/** The test message: a key, its per-key sequence number, and a note that scripts the observer. */
@OutboxType("test.ping")
public record Ping(String key, int seq, String note) implements OutboxMessage {}
