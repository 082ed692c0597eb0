package dev.outstore.faults;

import dev.outstore.OutboxMessage;
import dev.outstore.OutboxType;

/** The fault suite's message: a key and its per-key sequence number, as the driver sent them. */
@OutboxType("fault.ping")
public record FaultPing(String key, int seq, String filler) implements OutboxMessage {}
