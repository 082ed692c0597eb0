package dev.outstore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The DDL of the outbox table, shipped in this jar as {@code dev/outstore/schema/<database>.sql}.
 *
 * <p>Every statement is idempotent ({@code IF NOT EXISTS}), so an application may run them at
 * start, or copy the files into its migration tool. Hibernate's schema generator is not a
 * substitute: it would miss the partial indexes the claim query depends on.
 */
public enum OutboxSchema {
  /** PostgreSQL 12 and later. */
  POSTGRESQL,
  /** H2 2.x, for demos and quick tests. */
  H2;

  /** The classpath resource holding this database's DDL. */
  public String resource() {
    return "dev/outstore/schema/" + name().toLowerCase(Locale.ROOT) + ".sql";
  }

  /**
   * The DDL statements, without comments and terminators, ready for {@code Statement.execute}.
   *
   * @throws UncheckedIOException if the resource cannot be read
   */
  public List<String> statements() {
    try (InputStream in = OutboxSchema.class.getClassLoader().getResourceAsStream(resource())) {
      if (in == null) {
        throw new UncheckedIOException(new IOException(resource() + " is missing from the jar"));
      }
      String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String withoutComments = sql.replaceAll("(?m)--.*$", "");
      return Arrays.stream(withoutComments.split(";"))
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
