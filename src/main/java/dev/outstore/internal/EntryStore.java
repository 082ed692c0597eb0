package dev.outstore.internal;

import dev.outstore.OutboxPersistence;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import org.hibernate.Session;
import org.hibernate.jdbc.ReturningWork;

/**
 * outstore's JPA work on its tables: persisting sent entries (Hibernate batches the inserts) and
 * holding a failed entry. Callers hold the JTA transaction. The delivery round's statements are
 * plain SQL, in {@link EntryClaims}, on the connection this class lends.
 */
@ApplicationScoped
class EntryStore {
  @Inject @OutboxPersistence Instance<EntityManager> chosen;
  @Inject Instance<DefaultPersistenceContext> fallback;
  private EntityManager em;

  @PostConstruct
  void chooseUnit() {
    // a transaction-scoped container proxy: safe to keep and to share between threads
    em = chosen.isResolvable() ? chosen.get() : fallback.get().entityManager();
  }

  /**
   * Holds an entry from every dispatcher until {@code until}, or extends its hold. Call in a
   * transaction of its own, committed before the transaction that failed to deliver the entry rolls
   * back.
   */
  void hold(long entryId, Instant until) {
    OutboxHold hold = em.find(OutboxHold.class, entryId);
    if (hold == null) {
      em.persist(new OutboxHold(entryId, until));
    } else {
      hold.extend(until);
    }
  }

  void persist(OutboxEntry entry) {
    em.persist(entry);
  }

  void flush() {
    em.flush();
  }

  /**
   * Runs JDBC work on the persistence unit's connection, enlisted in the current transaction.
   * SQLExceptions reach the caller as Hibernate's {@link
   * jakarta.persistence.PersistenceException}s.
   */
  <T> T onConnection(ReturningWork<T> work) {
    return em.unwrap(Session.class).doReturningWork(work);
  }
}
