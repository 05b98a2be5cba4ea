package io.imgtrust.core.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.ledger.LedgerRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
  private static final HostKey KEY = HostKey.of(new byte[32]);

  @TempDir Path dir;
  private Ledger ledger;

  @BeforeEach
  void setUp() throws Exception {
    ledger = Ledger.open(dir.resolve("records"), KEY);
  }

  static LedgerRecord record(String name) {
    Instant t = Instant.parse("2026-11-25T10:00:00.123456789Z");
    return SealedRecord.builder().imageId("img-1").cacheFile(name).diskFormat("qcow2")
        .chunks(ImmutableList.of(HashCode.fromString("00".repeat(32)), HashCode.fromString("ff".repeat(32))))
        .identity(new FileIdentity(2049, 1234, 5_000_000, 1_700_000_000_123_456_789L))
        .fill(ImmutableMap.of("digest_algorithm", "sha512", "signer_subject", "CN=x, O=\"quoted\""))
        .conversion(new LedgerRecord.Conversion("qcow2", 123, HashCode.fromString("ab".repeat(32))))
        .filledAt(t).verifiedAt(t.plusSeconds(5)).build();
  }

  @Test
  void write_thenRead_roundTripsEveryField() throws Exception {
    LedgerRecord r = record("abc");

    ledger.write(r);
    LedgerRecord back = ledger.read("abc").orElseThrow();

    assertThat(back.imageId()).isEqualTo("img-1");
    assertThat(back.chunks()).isEqualTo(r.chunks());
    assertThat(back.contentDigest()).isEqualTo(r.contentDigest());
    assertThat(back.identity()).isEqualTo(r.identity());
    assertThat(back.fill()).isEqualTo(r.fill());
    assertThat(back.conversion().orElseThrow().sourceContentDigest())
        .isEqualTo(r.conversion().orElseThrow().sourceContentDigest());
    assertThat(back.filledAt()).isEqualTo(r.filledAt());
    assertThat(back.verifiedAt()).isEqualTo(r.verifiedAt());
    assertThat(back.state()).isEqualTo(LedgerRecord.State.VERIFIED);
  }

  @Test
  void read_oneCharacterEdited_treatedAsAbsent() throws Exception {
    ledger.write(record("abc"));
    Path f = ledger.pathOf("abc");
    String text = Files.readString(f, StandardCharsets.UTF_8);

    Files.writeString(f, text.replace("\"inode\" : 1234", "\"inode\" : 1235"));

    assertThat(ledger.read("abc")).isEmpty();
  }

  @Test
  void read_sealRecomputedWithOtherKey_treatedAsAbsent() throws Exception {
    Ledger.open(dir.resolve("records"), HostKey.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        16})).write(record("abc"));

    assertThat(ledger.read("abc")).isEmpty();
  }

  @Test
  void read_recordFileRenamedToOtherEntry_treatedAsAbsent() throws Exception {
    ledger.write(record("abc"));
    Files.move(ledger.pathOf("abc"), ledger.pathOf("def"));

    assertThat(ledger.read("def")).isEmpty();
  }

  @Test
  void read_garbageMissingOrEmpty_treatedAsAbsent() throws Exception {
    Files.writeString(ledger.pathOf("junk"), "{not json");
    Files.writeString(ledger.pathOf("empty"), "");
    Files.writeString(ledger.pathOf("noseal"), "{\"record\": {}}");

    assertThat(ledger.read("junk")).isEmpty();
    assertThat(ledger.read("empty")).isEmpty();
    assertThat(ledger.read("noseal")).isEmpty();
    assertThat(ledger.read("missing")).isEmpty();
  }

  @Test
  void write_replacesAtomicallyAndLeavesNoTemporaries() throws Exception {
    ledger.write(record("abc"));
    ledger.write(SealedRecord.toBuilder(record("abc")).state(LedgerRecord.State.QUARANTINED, "DIGEST_MISMATCH").build());

    assertThat(ledger.read("abc").orElseThrow().stateReason()).contains("DIGEST_MISMATCH");
    try (Stream<Path> s = Files.list(dir.resolve("records"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("abc.json");
    }
  }

  @Test
  void names_listsRecordFilesOnly() throws Exception {
    ledger.write(record("b"));
    ledger.write(record("a"));
    Files.writeString(dir.resolve("records/.a.json.tmp-1"), "x");

    assertThat(ledger.names()).containsExactly("a", "b");
  }

  @Test
  void delete_removesRecord() throws Exception {
    ledger.write(record("abc"));

    ledger.delete("abc");

    assertThat(ledger.read("abc")).isEmpty();
  }
}
