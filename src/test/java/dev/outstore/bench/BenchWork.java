package dev.outstore.bench;

import dev.outstore.OutboxGenerator;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.UserTransaction;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The business transactions the benchmark runs inside Liberty. */
@ApplicationScoped
public class BenchWork {
  @Inject OutboxGenerator outbox;
  @Resource UserTransaction transaction;
  @PersistenceContext EntityManager em;

  /** Sends messages from .. to - 1 in one transaction. */
  public void sendRange(long from, long to) throws Exception {
    List<BenchEvent> events = new ArrayList<>((int) (to - from));
    for (long n = from; n < to; n++) {
      events.add(BenchEvent.of(n));
    }
    transaction.begin();
    try {
      outbox.send(events);
    } catch (RuntimeException e) {
      transaction.rollback();
      throw e;
    }
    transaction.commit();
  }

  /**
   * One business transaction: inserts an order row and, if {@code n >= 0}, sends message n.
   *
   * @return the nanoTime at which commit returned
   */
  public long order(long n) throws Exception {
    return order(n, n >= 0 ? 1 : 0);
  }

  /**
   * One business transaction: inserts an order row and sends messages n .. n + count - 1.
   *
   * @return the nanoTime at which commit returned
   */
  public long order(long n, int count) throws Exception {
    transaction.begin();
    try {
      em.createNativeQuery("insert into bench_order (customer, total) values (?1, ?2)")
          .setParameter(1, "customer-" + (n & 1023))
          .setParameter(2, new BigDecimal("12.50"))
          .executeUpdate();
      if (count == 1) {
        outbox.send(BenchEvent.of(n));
      } else if (count > 1) {
        List<BenchEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          events.add(BenchEvent.of(n + i));
        }
        outbox.send(events);
      }
    } catch (RuntimeException e) {
      transaction.rollback();
      throw e;
    }
    transaction.commit();
    return System.nanoTime();
  }

  /** Sends message n alone in its transaction; returns the nanoTime at which commit returned. */
  public long send(long n) throws Exception {
    transaction.begin();
    try {
      outbox.send(BenchEvent.of(n));
    } catch (RuntimeException e) {
      transaction.rollback();
      throw e;
    }
    transaction.commit();
    return System.nanoTime();
  }
}
