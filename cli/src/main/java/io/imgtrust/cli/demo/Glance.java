package io.imgtrust.cli.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import io.imgtrust.core.digest.ImageDigests;
import io.imgtrust.core.metadata.HashAlgorithm;
import io.imgtrust.core.metadata.SignatureProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes Glance v2 image JSON documents (for the demo and benchmarks). */
public final class Glance {
  private final ObjectNode doc;

  private Glance(ObjectNode doc) {
    this.doc = doc;
  }

  /** An active raw image with no digests and no signature yet. */
  public static Glance image(String id, long size) {
    return new Glance(Output.object().put("id", id).put("name", id).put("status", "active")
        .put("disk_format", "raw").put("container_format", "bare").put("size", size));
  }

  Glance checksum(ImageDigests d) {
    doc.put("checksum", d.whole(HashAlgorithm.MD5).orElseThrow().toString());
    return this;
  }

  /** This image with {@code os_hash_algo}/{@code os_hash_value} from {@code d}'s whole-image digest {@code a}. */
  public Glance multihash(ImageDigests d, HashAlgorithm a) {
    doc.put("os_hash_algo", a.glanceName()).put("os_hash_value", d.whole(a).orElseThrow().toString());
    return this;
  }

  /** This image with the {@code img_signature*} properties of {@code sig}. */
  public Glance signature(SignatureProperties sig) {
    doc.put("img_signature", sig.signatureBase64())
        .put("img_signature_hash_method", sig.hashMethod().signatureName().orElseThrow())
        .put("img_signature_key_type", sig.keyType().glanceName())
        .put("img_signature_certificate_uuid", sig.certificateId());
    return this;
  }

  /** Writes {@code g} as JSON to {@code file}. */
  public static void write(Path file, Glance g) throws IOException {
    Files.writeString(file, g.doc.toPrettyString() + "\n", StandardCharsets.UTF_8);
  }
}
