package io.imgtrust.core.metadata;

import static io.imgtrust.core.ImageTrustException.malformed;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgtrust.core.ImageTrustException;
import java.util.Optional;

/** Typed, strict access to the fields of one Glance image document. */
final class Fields {
  private final JsonNode root;
  private final JsonNode properties;

  Fields(JsonNode root, JsonNode properties) {
    this.root = root;
    this.properties = properties;
  }

  String requiredString(String name) throws ImageTrustException {
    return optionalString(name).orElseThrow(() -> malformed(name, "missing"));
  }

  /** A top-level string; absent and JSON null are empty; another type is malformed. */
  Optional<String> optionalString(String name) throws ImageTrustException {
    return string(root, name, name);
  }

  long requiredSize() throws ImageTrustException {
    JsonNode n = root.get("size");
    if (n == null || n.isNull()) {
      throw malformed("size", "missing");
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
      throw malformed("size", "must be a non-negative integer");
    }
    return n.asLong();
  }

  /** A signature property from the top level or from {@code properties}; both must agree. */
  Optional<String> signatureString(String name) throws ImageTrustException {
    Optional<String> top = string(root, name, name);
    Optional<String> nested =
        properties == null ? Optional.empty() : string(properties, name, "properties." + name);
    if (top.isPresent() && nested.isPresent() && !top.equals(nested)) {
      throw malformed(name, "differs between the top level and properties");
    }
    return top.isPresent() ? top : nested;
  }

  private static Optional<String> string(JsonNode parent, String name, String field) throws ImageTrustException {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      throw malformed(field, "must be a string");
    }
    return Optional.of(n.textValue());
  }
}
