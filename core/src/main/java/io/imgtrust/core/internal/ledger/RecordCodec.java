package io.imgtrust.core.internal.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.ledger.LedgerRecord;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * The on-disk form of a record: {@code {"seal": hex, "record": {...}}}, where the seal is HMAC-SHA256 under the host
 * key over the compact JSON serialisation of {@code record}. Any edit of the record (or of its key order) breaks the
 * seal. Decoding never throws for bad input: it returns null, and the caller treats the record as absent.
 *
 * <p>{@code identity.ctime_ns} is optional: records written before it existed still decode (their identity's ctime is
 * {@link FileIdentity#UNKNOWN}, so the file is rechecked in full and sealed again with a ctime).
 */
final class RecordCodec {
  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HostKey key;

  RecordCodec(HostKey key) {
    this.key = key;
  }

  byte[] encode(LedgerRecord r) {
    ObjectNode rec = toJson(r);
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("seal", HashCode.fromBytes(key.mac(compact(rec))).toString());
    doc.set("record", rec);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The record, or null when the document does not parse or its seal does not verify. */
  LedgerRecord decode(byte[] bytes) {
    try {
      JsonNode doc = JSON.readTree(bytes);
      JsonNode rec = doc.get("record");
      byte[] seal = HashCode.fromString(doc.get("seal").asText()).asBytes();
      if (rec == null || !rec.isObject() || !MessageDigest.isEqual(seal, key.mac(compact(rec)))) {
        return null;
      }
      return fromJson(rec);
    } catch (Exception e) {
      return null;
    }
  }

  /** Initialises the parser of the records' timestamps. */
  static void preload() {
    Instant.parse("2026-01-01T00:00:00.5Z");
  }

  private static byte[] compact(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode toJson(LedgerRecord r) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("version", VERSION).put("image_id", r.imageId()).put("cache_file", r.cacheFile())
        .put("disk_format", r.diskFormat()).put("size", r.size()).put("chunk_size", 4 << 20)
        .put("content_digest", r.contentDigest().toString());
    var chunks = o.putArray("chunks");
    r.chunks().forEach(c -> chunks.add(c.toString()));
    FileIdentity id = r.identity();
    ObjectNode ident = o.putObject("identity").put("device", id.device()).put("inode", id.inode())
        .put("size", id.size()).put("mtime_ns", id.mtimeNanos());
    if (id.ctimeNanos() != FileIdentity.UNKNOWN) {
      ident.put("ctime_ns", id.ctimeNanos());
    }
    ObjectNode fill = o.putObject("fill");
    r.fill().forEach(fill::put);
    r.conversion().ifPresent(c -> o.putObject("conversion").put("from_format", c.fromFormat())
        .put("source_size", c.sourceSize()).put("source_content_digest", c.sourceContentDigest().toString()));
    o.put("filled_at", r.filledAt().toString()).put("verified_at", r.verifiedAt().toString())
        .put("state", r.state().name());
    r.stateReason().ifPresent(s -> o.put("state_reason", s));
    return o;
  }

  private static LedgerRecord fromJson(JsonNode o) {
    if (o.get("version").asInt() != VERSION || o.get("chunk_size").asInt() != (4 << 20)) {
      return null;
    }
    ImmutableList.Builder<HashCode> chunks = ImmutableList.builder();
    o.get("chunks").forEach(c -> chunks.add(HashCode.fromString(c.asText())));
    JsonNode id = o.get("identity");
    ImmutableMap.Builder<String, String> fill = ImmutableMap.builder();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.get("fill").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      fill.put(e.getKey(), e.getValue().asText());
    }
    SealedRecord.Builder b = SealedRecord.builder().imageId(o.get("image_id").asText())
        .cacheFile(o.get("cache_file").asText()).diskFormat(o.get("disk_format").asText()).chunks(chunks.build())
        .identity(new FileIdentity(id.get("device").asLong(), id.get("inode").asLong(), id.get("size").asLong(),
            id.get("mtime_ns").asLong(), id.has("ctime_ns") ? id.get("ctime_ns").asLong() : FileIdentity.UNKNOWN))
        .fill(fill.build()).filledAt(Instant.parse(o.get("filled_at").asText()))
        .verifiedAt(Instant.parse(o.get("verified_at").asText()))
        .state(LedgerRecord.State.valueOf(o.get("state").asText()),
            o.hasNonNull("state_reason") ? o.get("state_reason").asText() : null);
    JsonNode c = o.get("conversion");
    if (c != null) {
      b.conversion(new LedgerRecord.Conversion(c.get("from_format").asText(), c.get("source_size").asLong(),
          HashCode.fromString(c.get("source_content_digest").asText())));
    }
    LedgerRecord r = b.build();
    return r.contentDigest().toString().equals(o.get("content_digest").asText()) ? r : null;
  }
}
