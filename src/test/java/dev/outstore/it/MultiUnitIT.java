package dev.outstore.it;

import static org.awaitility.Awaitility.await;

import dev.outstore.OutboxGenerator;
import dev.outstore.OutboxPersistence;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.UserTransaction;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An application with two persistence units names the outbox's with an @OutboxPersistence producer.
 */
@ExtendWith(ArquillianExtension.class)
class MultiUnitIT {
  static final String UNITS =
      "<persistence xmlns=\"https://jakarta.ee/xml/ns/persistence\" version=\"3.0\">\n"
          + "  <persistence-unit name=\"reports\" transaction-type=\"JTA\">\n"
          + "    <provider>org.hibernate.jpa.HibernatePersistenceProvider</provider>\n"
          + "    <jta-data-source>jdbc/outstore</jta-data-source>\n"
          + "    <exclude-unlisted-classes>true</exclude-unlisted-classes>\n"
          + "  </persistence-unit>\n"
          + "  <persistence-unit name=\"orders\" transaction-type=\"JTA\">\n"
          + "    <provider>org.hibernate.jpa.HibernatePersistenceProvider</provider>\n"
          + "    <jta-data-source>jdbc/outstore</jta-data-source>\n"
          + "    <mapping-file>META-INF/outstore-orm.xml</mapping-file>\n"
          + "    <exclude-unlisted-classes>true</exclude-unlisted-classes>\n"
          + "  </persistence-unit>\n"
          + "</persistence>\n";

  @Deployment
  static WebArchive app() {
    JavaArchive outstore =
        ShrinkWrap.create(ExplodedImporter.class, "outstore.jar")
            .importDirectory(new java.io.File("target/classes"))
            .as(JavaArchive.class);
    return ShrinkWrap.create(WebArchive.class, "multiunit.war")
        .addAsLibrary(outstore)
        .addClasses(MultiUnitIT.class, Ping.class, Seen.class, OrdersUnit.class, Db.class, Tx.class)
        .addPackages(true, "org.awaitility", "org.hamcrest")
        .addAsResource(new StringAsset(UNITS), "META-INF/persistence.xml")
        .addAsResource(
            new StringAsset("outstore.poll-interval=500ms\n"),
            "META-INF/microprofile-config.properties")
        .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
  }

  @Inject OutboxGenerator outbox;
  @Inject Seen seen;
  @Inject Db db;
  @Inject UserTransaction transaction;

  @Test
  void theNamedUnitCarriesTheOutbox() throws Exception {
    db.clean();
    Tx.run(transaction, () -> outbox.send(new Ping("units", 1, null)));
    await().atMost(Duration.ofSeconds(20)).until(() -> seen.pings().size() == 1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> db.count("select count(*) from outbox_entry where status = 'DONE'") == 1);
  }

  /** Chooses the "orders" unit for the outbox. */
  @ApplicationScoped
  public static class OrdersUnit {
    @Produces
    @OutboxPersistence
    @PersistenceContext(unitName = "orders")
    EntityManager outbox;
  }

  /** Records pings without a persistence context of its own. */
  @ApplicationScoped
  public static class Seen {
    private final Queue<Ping> pings = new ConcurrentLinkedQueue<>();

    void on(@Observes Ping ping) {
      pings.add(ping);
    }

    Queue<Ping> pings() {
      return pings;
    }
  }
}
