package dev.outstore.it;

import dev.outstore.OutboxMessage;

/** An observed message class that lacks {@code @OutboxType}: fails the deployment. */
public record UnnamedMessage(String key) implements OutboxMessage {}
