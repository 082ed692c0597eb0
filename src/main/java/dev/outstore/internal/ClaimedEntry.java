package dev.outstore.internal;

import java.time.Instant;

/**
 * An entry locked by the current delivery transaction, as read by the claim: what its observers are
 * handed, and nothing the delivery does not need.
 *
 * @param attempts failed attempts before this one
 */
record ClaimedEntry(
    long id,
    long seq,
    String key,
    String type,
    String payload,
    String headers,
    int attempts,
    Instant createdAt) {}
