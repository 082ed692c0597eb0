package dev.outstore.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/**
 * The application's only persistence unit, used unless the application produces an
 * {@code @OutboxPersistence} entity manager. The container resolves the unit when this bean is
 * first created, so an application with several units never creates it and never fails on it.
 */
@ApplicationScoped
class DefaultPersistenceContext {
  @PersistenceContext EntityManager em;

  EntityManager entityManager() {
    return em;
  }
}
