package dev.outstore;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Selects the persistence unit outstore writes to, in an application with several units. Produce
 * the unit's transaction-scoped entity manager with this qualifier:
 *
 * <pre>{@code
 * @ApplicationScoped
 * public class OutboxUnit {
 *   @Produces @OutboxPersistence @PersistenceContext(unitName = "orders")
 *   EntityManager outbox;
 * }
 * }</pre>
 *
 * <p>That unit must list {@code META-INF/outstore-orm.xml} as a mapping file. Without such a
 * producer outstore uses the application's only persistence unit. A configuration property cannot
 * do this: Jakarta Persistence binds {@code @PersistenceContext} references from the class files,
 * so the unit name must be written in the application.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE})
public @interface OutboxPersistence {}
