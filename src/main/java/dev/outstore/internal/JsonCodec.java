package dev.outstore.internal;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;

/** JSON-B for payloads and headers; one thread-safe {@link Jsonb} for the application. */
@ApplicationScoped
class JsonCodec {
  private static final Type HEADERS =
      new HashMap<String, String>() {}.getClass().getGenericSuperclass();

  private final Jsonb jsonb = JsonbBuilder.create();

  String write(Object value) {
    return jsonb.toJson(value);
  }

  <T> T read(String json, Class<T> type) {
    return jsonb.fromJson(json, type);
  }

  String writeHeaders(Map<String, String> headers) {
    return headers.isEmpty() ? null : jsonb.toJson(headers);
  }

  Map<String, String> readHeaders(String json) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    Map<String, String> headers = jsonb.fromJson(json, HEADERS);
    return headers;
  }

  @PreDestroy
  void close() {
    try {
      jsonb.close();
    } catch (Exception e) {
      // nothing to recover at shutdown; Yasson holds no external resources
    }
  }
}
