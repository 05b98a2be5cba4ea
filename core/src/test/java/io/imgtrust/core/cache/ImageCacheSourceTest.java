package io.imgtrust.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.CopyProgress;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.io.ImageSource;
import io.imgtrust.core.io.SourceFailure;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.testing.CacheFixture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache filled from an {@link ImageSource} (a download) rather than a file. */
class ImageCacheSourceTest {
  private static final int SIZE = 2 * DigestPlan.CHUNK_SIZE + 77;

  @TempDir Path root;
  private CacheFixture fx;
  private byte[] image;
  private final AtomicInteger opened = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    fx = CacheFixture.create(root, "");
    image = CacheFixture.randomImage(SIZE, 9);
  }

  /** A source of {@code bytes} that counts its openings; {@code failAt} >= 0 makes it fail there with {@code why}. */
  private ImageSource source(byte[] bytes, long failAt, ImageTrustException why) {
    return new ImageSource() {
      @Override
      public ReadableByteChannel open() {
        opened.incrementAndGet();
        ReadableByteChannel in = Channels.newChannel(new java.io.ByteArrayInputStream(bytes));
        return new ReadableByteChannel() {
          long pos;

          @Override
          public int read(ByteBuffer dst) throws IOException {
            if (failAt >= 0 && pos >= failAt) {
              throw new SourceFailure(why);
            }
            ByteBuffer view = dst.slice(dst.position(), (int) Math.min(dst.remaining(),
                failAt >= 0 ? failAt - pos : Long.MAX_VALUE));
            int n = in.read(view);
            if (n > 0) {
              dst.position(dst.position() + n);
              pos += n;
            }
            return n;
          }

          @Override
          public boolean isOpen() {
            return true;
          }

          @Override
          public void close() {}
        };
      }

      @Override
      public String describe() {
        return "test source";
      }
    };
  }

  @Test
  void addSource_intactBytes_cachedAsTheFileFillWould() throws Exception {
    ImageMetadata meta = CacheFixture.rawMetadata("src-1", image);

    CacheEntry e = fx.cache.add(source(image, -1, null), meta, CopyProgress.NONE);

    assertThat(Files.readAllBytes(e.file())).isEqualTo(image);
    assertThat(e.record().fill()).containsEntry("digest_field", "os_hash_value");
    assertThat(opened).hasValue(1);
  }

  @Test
  void addSource_alreadyCached_sourceNeverOpened() throws Exception {
    ImageMetadata meta = CacheFixture.rawMetadata("src-2", image);
    fx.cache.add(source(image, -1, null), meta, CopyProgress.NONE);

    fx.cache.add(source(image, -1, null), meta, CopyProgress.NONE);

    assertThat(opened).hasValue(1);
  }

  @Test
  void addSource_sourceFailsTyped_thatReasonAndNothingLeft() throws Exception {
    ImageMetadata meta = CacheFixture.rawMetadata("src-3", image);
    ImageTrustException stalled = ImageTrustException.of(Reason.GLANCE_ERROR, "stalled");

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> fx.cache.add(source(image, DigestPlan.CHUNK_SIZE + 5, stalled), meta, CopyProgress.NONE));

    assertThat(e).isSameAs(stalled);
    try (Stream<Path> s = Files.list(fx.cache.directory())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly(".imgtrust");
    }
  }

  @Test
  void addSource_bytesDifferFromMetadata_digestMismatchAndNotCached() throws Exception {
    ImageMetadata meta = CacheFixture.rawMetadata("src-4", image);
    byte[] flipped = image.clone();
    flipped[1000] ^= 1;

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> fx.cache.add(source(flipped, -1, null), meta, CopyProgress.NONE));

    assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(Files.exists(fx.cache.directory().resolve(CacheLayout.nameOf("src-4")))).isFalse();
  }
}
