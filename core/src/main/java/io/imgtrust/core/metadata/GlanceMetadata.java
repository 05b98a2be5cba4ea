package io.imgtrust.core.metadata;

import static io.imgtrust.core.ImageTrustException.malformed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.io.BaseEncoding;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses the image JSON that Glance v2 returns ({@code GET /v2/images/{id}}, {@code openstack image show -f json}).
 *
 * <p>Strict: a field of the wrong type, an unknown {@code os_hash_algo}, {@code img_signature_hash_method} or
 * {@code img_signature_key_type}, bad base64 or hex, and a partial set of {@code img_signature*} properties are each
 * a {@link Reason#MALFORMED_METADATA} error naming the field. Fields imgtrust does not use are ignored. Signature
 * properties are read from the top level (API form) or from a {@code properties} object (openstackclient form);
 * where both carry one, they must agree. {@code img_signature} may be wrapped in lines, as {@code openssl base64}
 * writes it, and must be padded. Input is bounded: at most {@value #MAX_BYTES} bytes.
 */
public final class GlanceMetadata {
  /** Largest metadata document accepted. */
  public static final int MAX_BYTES = 1 << 20;

  static final ImmutableSet<String> DISK_FORMATS =
      ImmutableSet.of("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop");
  private static final ImmutableList<String> SIGNATURE_FIELDS = ImmutableList.of(
      "img_signature", "img_signature_hash_method", "img_signature_key_type", "img_signature_certificate_uuid");
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]*");
  private static final Pattern WHITESPACE = Pattern.compile("[ \\t\\r\\n]+");
  private static final Pattern IMAGE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
  private static final Pattern CERT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(MAX_BYTES).build());
  }

  private GlanceMetadata() {}

  /**
   * Makes the JSON reader ready (about 0.05 s of class loading at start-up), so that the first {@link #read} does not
   * wait for it. Optional: a start-up optimisation for a spare thread.
   */
  public static void preload() {
    try {
      MAPPER.readTree("{\"id\": \"x\", \"size\": 0}");
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot parse a constant", e);
    }
  }

  /** Reads and parses a metadata file; an unreadable file is {@link Reason#FILE_UNREADABLE}. */
  public static ImageMetadata read(Path file) throws ImageTrustException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw IoErrors.unreadable("metadata " + file, e);
    }
    return parse(bytes);
  }

  /** Parses a metadata document. */
  public static ImageMetadata parse(byte[] json) throws ImageTrustException {
    if (json.length > MAX_BYTES) {
      throw ImageTrustException.of(Reason.MALFORMED_METADATA, "metadata larger than " + MAX_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw ImageTrustException.of(Reason.MALFORMED_METADATA, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.MALFORMED_METADATA, "not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw malformed("(document)", "must be a JSON object");
    }
    return fromTree(root);
  }

  private static ImageMetadata fromTree(JsonNode root) throws ImageTrustException {
    JsonNode props = root.get("properties");
    if (props != null && !props.isNull() && !props.isObject()) {
      throw malformed("properties", "must be an object");
    }
    Fields f = new Fields(root, props == null || props.isNull() ? null : props);
    String status = f.optionalString("status").orElse("active");
    if (!status.equals("active")) {
      throw malformed("status", "image is '" + status + "', not active");
    }
    String diskFormat = f.requiredString("disk_format");
    if (!DISK_FORMATS.contains(diskFormat)) {
      throw malformed("disk_format", "unknown format '" + diskFormat + "'");
    }
    String id = f.requiredString("id");
    if (!IMAGE_ID.matcher(id).matches()) {
      throw malformed("id", "not a plain identifier (letters, digits, '.', '_', '-'; at most 255)");
    }
    return ImageMetadata.builder()
        .id(id)
        .diskFormat(diskFormat)
        .size(f.requiredSize())
        .checksum(checksum(f))
        .multihash(multihash(f))
        .signature(signature(f))
        .build();
  }

  private static ImageMetadata.Digest checksum(Fields f) throws ImageTrustException {
    Optional<String> hex = f.optionalString("checksum");
    return hex.isEmpty() ? null : ImageMetadata.Digest.of(HashAlgorithm.MD5, hex("checksum", hex.get(), 16));
  }

  private static ImageMetadata.Digest multihash(Fields f) throws ImageTrustException {
    Optional<String> algo = f.optionalString("os_hash_algo");
    Optional<String> value = f.optionalString("os_hash_value");
    if (algo.isEmpty() && value.isEmpty()) {
      return null;
    }
    if (algo.isEmpty()) {
      throw malformed("os_hash_algo", "missing while os_hash_value is set");
    }
    if (value.isEmpty()) {
      throw malformed("os_hash_value", "missing while os_hash_algo is set");
    }
    HashAlgorithm a = HashAlgorithm.forMultihash(algo.get())
        .orElseThrow(() -> malformed("os_hash_algo", "unknown algorithm '" + algo.get() + "'"));
    return ImageMetadata.Digest.of(a, hex("os_hash_value", value.get(), a.length()));
  }

  private static SignatureProperties signature(Fields f) throws ImageTrustException {
    int present = 0;
    for (String name : SIGNATURE_FIELDS) {
      present += f.signatureString(name).isPresent() ? 1 : 0;
    }
    if (present == 0) {
      return null;
    }
    for (String name : SIGNATURE_FIELDS) {
      if (f.signatureString(name).isEmpty()) {
        throw malformed(name, "missing: the img_signature properties must all be set or all be absent");
      }
    }
    String hashName = f.signatureString("img_signature_hash_method").get();
    HashAlgorithm hash = HashAlgorithm.forSignature(hashName)
        .orElseThrow(() -> malformed("img_signature_hash_method", "unknown hash method '" + hashName + "'"));
    String keyName = f.signatureString("img_signature_key_type").get();
    KeyType keyType = KeyType.forGlanceName(keyName)
        .orElseThrow(() -> malformed("img_signature_key_type", "unknown key type '" + keyName + "'"));
    String certId = f.signatureString("img_signature_certificate_uuid").get();
    if (!CERT_ID.matcher(certId).matches()) {
      throw malformed("img_signature_certificate_uuid", "not a plain identifier");
    }
    byte[] sig = base64(f.signatureString("img_signature").get());
    return SignatureProperties.create(sig, hash, keyType, certId);
  }

  /**
   * Decodes {@code img_signature} as Glance's Python decoder does for base64 that {@code openssl base64} or a MIME
   * encoder writes: ASCII whitespace (space, tab, CR, LF) anywhere is dropped, the rest must be standard base64 with
   * its padding. Unlike Python's non-strict decoder, any other character outside the alphabet is refused.
   */
  private static byte[] base64(String text) throws ImageTrustException {
    String compact = WHITESPACE.matcher(text).replaceAll("");
    if (compact.length() % 4 != 0) {
      throw malformed("img_signature", "not valid base64: incorrect padding");
    }
    try {
      byte[] sig = BaseEncoding.base64().decode(compact);
      if (sig.length == 0) {
        throw malformed("img_signature", "empty");
      }
      return sig;
    } catch (IllegalArgumentException e) {
      throw malformed("img_signature", "not valid base64");
    }
  }

  private static byte[] hex(String field, String text, int length) throws ImageTrustException {
    if (text.length() != 2 * length || !HEX.matcher(text).matches()) {
      throw malformed(field, "expected " + 2 * length + " hex digits");
    }
    return BaseEncoding.base16().lowerCase().decode(text.toLowerCase(java.util.Locale.ROOT));
  }
}
