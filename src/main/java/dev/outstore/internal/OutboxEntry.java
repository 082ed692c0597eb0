package dev.outstore.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One row of {@code outbox_entry}. The DDL ships in {@code dev/outstore/schema/}.
 *
 * <p>Two numbers identify an entry. {@code id} comes from a pooled sequence so that Hibernate can
 * batch inserts. {@code seq} is assigned by the database at insert from its own sequence; it orders
 * entries of a key. Pooled ids cannot: each server draws ids from its own block, so two sends of
 * one key in consecutive transactions on different servers may get ids in the reverse order.
 *
 * <p>Public only because JPA requires it of entities; not API.
 */
@Entity
@Table(name = "outbox_entry")
public class OutboxEntry {
  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "outbox_entry_id")
  @SequenceGenerator(
      name = "outbox_entry_id",
      sequenceName = "outbox_entry_id_seq",
      allocationSize = 50)
  private Long id;

  @Column(name = "seq", insertable = false, updatable = false)
  private Long seq;

  @Column(name = "msg_key", nullable = false, length = 255)
  private String key;

  @Column(name = "msg_type", nullable = false, length = 255)
  private String type;

  @Column(name = "payload", nullable = false)
  private String payload;

  @Column(name = "headers")
  private String headers;

  @Enumerated(EnumType.STRING)
  @Column(name = "status", nullable = false, length = 8)
  private EntryStatus status;

  @Column(name = "attempts", nullable = false)
  private int attempts;

  @Column(name = "available_at", nullable = false)
  private Instant availableAt;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "done_at")
  private Instant doneAt;

  @Column(name = "last_error")
  private String lastError;

  protected OutboxEntry() {}

  OutboxEntry(String key, String type, String payload, String headers, Instant now) {
    this.key = key;
    this.type = type;
    this.payload = payload;
    this.headers = headers;
    this.status = EntryStatus.PENDING;
    this.availableAt = now;
    this.createdAt = now;
  }
}
