package dev.outstore.bench;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** Writes the benchmark's results: maps, strings, booleans and numbers, indented. */
final class Json {
  private Json() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, "");
    return out.toString();
  }

  private static void write(Object value, StringBuilder out, String indent) {
    if (value instanceof Map<?, ?> map) {
      out.append("{");
      Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
      while (entries.hasNext()) {
        Map.Entry<?, ?> e = entries.next();
        out.append('\n').append(indent).append("  ");
        string(String.valueOf(e.getKey()), out);
        out.append(": ");
        write(e.getValue(), out, indent + "  ");
        if (entries.hasNext()) {
          out.append(',');
        }
      }
      out.append('\n').append(indent).append('}');
    } else if (value instanceof Double d) {
      out.append(
          d.isNaN() || d.isInfinite()
              ? "null"
              : String.format(Locale.ROOT, "%.4f", d).replaceAll("\\.?0+$", ""));
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value == null) {
      out.append("null");
    } else {
      string(value.toString(), out);
    }
  }

  private static void string(String text, StringBuilder out) {
    out.append('"');
    for (char ch : text.toCharArray()) {
      switch (ch) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (ch < 0x20) {
            out.append(String.format("\\u%04x", (int) ch));
          } else {
            out.append(ch);
          }
        }
      }
    }
    out.append('"');
  }
}
