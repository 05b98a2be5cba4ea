package io.imgtrust.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.internal.ledger.HostKey;
import io.imgtrust.core.internal.ledger.Ledger;
import io.imgtrust.core.internal.locks.EntryLocks;
import io.imgtrust.core.io.CommandRunner;
import io.imgtrust.core.policy.Policy;
import io.imgtrust.core.testing.CacheFixture;
import io.imgtrust.core.verify.ImageVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review finding 7: a file whose ctime changes while it is hashed (a hard link made) is hashed once more. */
class EntryCheckTest {
  private static final int SIZE = 2 * DigestPlan.CHUNK_SIZE + 300;

  @TempDir Path root;
  private CacheFixture fx;
  private CacheEntry entry;
  private EntryCheck check;
  private final AtomicInteger passes = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    fx = CacheFixture.create(root, "recheck = always");
    entry = fx.add("img-1", CacheFixture.randomImage(SIZE, 7));
    CacheLayout layout = CacheLayout.open(fx.conf.cacheDir());
    Ledger ledger = Ledger.open(layout.records(), HostKey.loadOrCreate(fx.conf.path(Key.HOST_KEY_FILE)));
    ImmutableFiles flags = new ImmutableFiles(false, CommandRunner.system());
    check = new EntryCheck(layout, ledger, new EntryLocks(layout.locks(), Duration.ofSeconds(10)),
        new Quarantine(layout, flags), new Sealing(ledger, flags), Policy.fromConfig(fx.conf),
        ImageVerifier.trustSource(fx.conf));
  }

  /** After the first pass where the file lies: {@code change} it, and check that its ctime moved. */
  private void onFirstPass(FileChange change) {
    check.afterPass = f -> {
      if (passes.getAndIncrement() > 0) {
        return;
      }
      try {
        FileIdentity before = FileIdentity.of(f);
        Thread.sleep(20); // past the kernel's coarse ctime tick
        change.apply(f);
        assertThat(FileIdentity.of(f).ctimeNanos()).isNotEqualTo(before.ctimeNanos());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  @Test
  void check_hardLinkMadeDuringThePass_hashedOnceMoreVerifiedNotQuarantined() throws Exception {
    Path link = root.resolve("link");
    onFirstPass(f -> Files.createLink(link, f));

    CheckResult r = check.check("img-1", true);

    assertThat(r.ok()).isTrue();
    assertThat(r.bytesHashed()).isEqualTo(SIZE);
    assertThat(fx.cache.quarantined()).isEmpty();
    assertThat(fx.cache.list()).singleElement().satisfies(s -> assertThat(s.state())
        .isEqualTo(EntryStatus.State.VERIFIED));
    assertThat(fx.cache.ensureVerified("img-1").ok()).isTrue();
  }

  @Test
  void check_byteFlippedDuringThePass_digestMismatchNamingTheChunkAndQuarantined() throws Exception {
    onFirstPass(f -> CacheFixture.rot(f, DigestPlan.CHUNK_SIZE + 9));

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class, () -> check.check("img-1", true));

    assertThat(x.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(x.details()).containsEntry("chunk", 1L);
    assertThat(Files.exists(entry.file())).isFalse();
    assertThat(fx.cache.quarantined()).hasSize(1);
  }

  private interface FileChange {
    void apply(Path file) throws IOException;
  }
}
