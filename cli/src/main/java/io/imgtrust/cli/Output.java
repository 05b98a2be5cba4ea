package io.imgtrust.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.core.ImageTrustException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Prints a command's result: one JSON object on stdout with {@code --json}, otherwise readable lines. Failures go to
 * stderr as one line ({@code imgtrust: REASON: message}) or, with {@code --json}, as a JSON object on stdout.
 */
public final class Output {
  /** Made on first use: text output never pays for a mapper. */
  private static final class Mapper {
    static final ObjectMapper INSTANCE = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  private final boolean json;
  private final PrintStream out;
  private final PrintStream err;

  /** Output on stdout/stderr; JSON objects when {@code json}, else text. */
  public Output(boolean json) {
    this(json, System.out, System.err);
  }

  Output(boolean json, PrintStream out, PrintStream err) {
    this.json = json;
    this.out = out;
    this.err = err;
  }

  /** True with {@code --json}: results are JSON objects on stdout. */
  public boolean json() {
    return json;
  }

  /** The shared JSON mapper. */
  public static ObjectMapper mapper() {
    return Mapper.INSTANCE;
  }

  /** A fresh JSON object. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** A fresh result object, {@code "ok": true}. */
  public static ObjectNode ok() {
    return object().put("ok", true);
  }

  /** Prints a success: the JSON object, or the text lines. */
  public void success(ObjectNode result, List<String> text) {
    if (json) {
      out.println(result.toPrettyString());
    } else {
      text.forEach(out::println);
    }
    out.flush();
  }

  /** Prints a refusal or failure and returns its exit status. */
  int failure(ImageTrustException e) {
    if (json) {
      ObjectNode o = object().put("ok", false).put("reason", e.reason().name())
          .put("message", e.getMessage());
      for (Map.Entry<String, Object> d : e.details().entrySet()) {
        o.set(d.getKey(), mapper().valueToTree(d.getValue()));
      }
      out.println(o.toPrettyString());
      out.flush();
    } else {
      err.println("imgtrust: " + e.reason().name() + ": " + e.getMessage());
      err.flush();
    }
    return e.reason().exitCode();
  }
}
