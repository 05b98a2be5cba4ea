package io.imgtrust.core.format;

import static io.imgtrust.core.format.ChainFixture.qcow2;
import static io.imgtrust.core.format.ChainFixture.raw;
import static io.imgtrust.core.format.ChainFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Chains of hand-built headers: what is read, how names resolve, and every refusal. */
class BackingChainTest {
  @TempDir Path tmp;
  ChainFixture fx;
  Path base;

  @BeforeEach
  void setUp() throws Exception {
    fx = new ChainFixture(tmp);
    base = raw(fx.cache.resolve("base.raw"), 3 << 20);
  }

  private Path top(TestImages.Qcow2 image) throws Exception {
    return write(fx.instance.resolve("disk"), image);
  }

  private ImageTrustException unsafe(Path top, String messagePart) {
    ImageTrustException e = fx.refusal(top);
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.UNSAFE_IMAGE);
    assertThat(e.getMessage()).contains(messagePart);
    return e;
  }

  @Test
  void read_overlayOnRawBaseAbsoluteName_twoLinks() throws Exception {
    TestImages.Qcow2 image = qcow2(base.toString(), "raw");
    image.size = 5L << 30;
    Path top = top(image);

    BackingChain chain = fx.read(top);

    assertThat(chain.links()).hasSize(2);
    assertThat(chain.top().path()).isEqualTo(top);
    assertThat(chain.top().format()).isEqualTo(ImageFormat.QCOW2);
    assertThat(chain.top().qcow2Version()).isEqualTo(3);
    assertThat(chain.top().virtualSize()).isEqualTo(5L << 30);
    assertThat(chain.top().backingName()).contains(base.toString());
    assertThat(chain.top().backingFormat()).contains(ImageFormat.RAW);
    BackingChain.Link last = chain.backingFiles().get(0);
    assertThat(last.path()).isEqualTo(base);
    assertThat(last.format()).isEqualTo(ImageFormat.RAW);
    assertThat(last.virtualSize()).isEqualTo(3 << 20);
    assertThat(last.qcow2Version()).isZero();
    assertThat(last.backingName()).isEmpty();
    assertThat(last.backingFormat()).isEmpty();
  }

  @Test
  void read_v2OverlayQcow2MidRawBaseRelativeNames_threeLinksInOrder() throws Exception {
    Path mid = write(fx.cache.resolve("mid.qcow2"), qcow2("base.raw", "raw"));
    Path top = top(qcow2("../../cache/mid.qcow2", "qcow2").version(2));

    BackingChain chain = fx.read(top);

    assertThat(chain.links()).extracting(BackingChain.Link::path).containsExactly(top, mid, base);
    assertThat(chain.links()).extracting(BackingChain.Link::format)
        .containsExactly(ImageFormat.QCOW2, ImageFormat.QCOW2, ImageFormat.RAW);
    assertThat(chain.links()).extracting(BackingChain.Link::qcow2Version).containsExactly(2, 3, 0);
    assertThat(chain.top().backingName()).contains("../../cache/mid.qcow2");
    assertThat(chain.backingFiles()).hasSize(2);
  }

  @Test
  void read_topRaw_oneLinkAndNoProbing() throws Exception {
    Path disk = write(fx.instance.resolve("disk"), qcow2(base.toString(), "raw"));
    BackingChain chain = BackingChain.read(disk, ImageFormat.RAW, List.of(fx.cache), 8);
    assertThat(chain.links()).containsExactly(chain.top());
    assertThat(chain.top().format()).isEqualTo(ImageFormat.RAW);
    assertThat(chain.top().virtualSize()).isEqualTo(Files.size(disk));
  }

  @Test
  void read_colonAfterFirstSlash_isAPlainName() throws Exception {
    Path odd = raw(fx.cache.resolve("sub/a:b.raw"), 4096);
    Path top = top(qcow2("../../cache/sub/a:b.raw", "raw"));
    assertThat(fx.read(top).backingFiles().get(0).path()).isEqualTo(odd);
  }

  @Test
  void read_symlinkInsideCacheToCache_realPathReported() throws Exception {
    Files.createSymbolicLink(fx.cache.resolve("current"), base);
    Path top = top(qcow2(fx.cache.resolve("current").toString(), "raw"));
    assertThat(fx.read(top).backingFiles().get(0).path()).isEqualTo(base);
  }

  @Test
  void read_allowedDirGivenThroughSymlink_isResolvedToo() throws Exception {
    Path alias = Files.createSymbolicLink(fx.root.resolve("alias"), fx.cache);
    Path top = top(qcow2(base.toString(), "raw"));
    BackingChain chain = BackingChain.read(top, ImageFormat.QCOW2, List.of(alias), 8);
    assertThat(chain.backingFiles().get(0).path()).isEqualTo(base);
  }

  @Test
  void read_relativeNameOfSymlinkedTop_resolvesBesideTheSymlinkLikeQemu() throws Exception {
    Path overlay = write(fx.outside.resolve("overlay.qcow2"), qcow2("base.raw", "raw"));
    raw(fx.outside.resolve("base.raw"), 4096);
    Path link = Files.createSymbolicLink(fx.cache.resolve("overlay.qcow2"), overlay);
    BackingChain chain = fx.read(link);
    assertThat(chain.top().path()).isEqualTo(overlay);
    assertThat(chain.backingFiles().get(0).path()).isEqualTo(base);
  }

  @Test
  void read_symlinkPointingOutside_untrustedNamingTheFile() throws Exception {
    Path secret = raw(fx.outside.resolve("secret.raw"), 4096);
    Files.createSymbolicLink(fx.cache.resolve("evil.raw"), secret);
    ImageTrustException e = fx.refusal(top(qcow2(fx.cache.resolve("evil.raw").toString(), "raw")));
    assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED_BACKING_FILE);
    assertThat(e.getMessage()).contains(secret.toString());
    assertThat(e.details()).containsEntry("file", secret.toString());
  }

  @Test
  void read_dotDotEscapingTheCache_untrusted() throws Exception {
    raw(fx.outside.resolve("other.raw"), 4096);
    write(fx.cache.resolve("mid.qcow2"), qcow2("../outside/other.raw", "raw"));
    ImageTrustException e = fx.refusal(top(qcow2(fx.cache.resolve("mid.qcow2").toString(), "qcow2")));
    assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED_BACKING_FILE);
    assertThat(e.getMessage()).contains(fx.outside.resolve("other.raw").toString());
  }

  @Test
  void read_noAllowedDirs_everyBackingFileUntrusted() throws Exception {
    Path top = top(qcow2(base.toString(), "raw"));
    assertThat(catchThrowableOfType(ImageTrustException.class,
        () -> BackingChain.read(top, ImageFormat.QCOW2, List.of(fx.root.resolve("missing")), 8)).reason())
        .isEqualTo(Reason.UNTRUSTED_BACKING_FILE);
  }

  @Test
  void read_backingFileIsTheCacheDirectoryItself_untrusted() throws Exception {
    ImageTrustException e = fx.refusal(top(qcow2(fx.cache.toString(), "raw")));
    assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED_BACKING_FILE);
  }

  @Test
  void read_backingFileIsADirectoryInTheCache_unsafe() throws Exception {
    Files.createDirectories(fx.cache.resolve("sub"));
    unsafe(top(qcow2(fx.cache.resolve("sub").toString(), "raw")), "not a regular file");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"/etc/shadow\"}}",
    "nbd://127.0.0.1:10809/export", "nbd:unix:/tmp/s", "rbd:pool/image", "file:/etc/passwd",
    "http://example.org/x.raw", "base.raw:", "x:y",
  })
  void read_protocolOrJsonName_unsafe(String name) throws Exception {
    ImageTrustException e = unsafe(top(qcow2(name, "raw")), name);
    assertThat(e.getMessage()).containsAnyOf("json:", "protocol prefix");
    assertThat(e.details()).containsEntry("backing_file", name);
  }

  @Test
  void read_emptyOrTrailingSlashName_unsafe() throws Exception {
    unsafe(top(qcow2("", "raw")), "empty backing file name");
    unsafe(top(qcow2(base + "/", "raw")), "ends with '/'");
  }

  @Test
  void read_nameNotUtf8_unsafe() throws Exception {
    byte[] image = qcow2("base.raw", "raw").build();
    image[2048 + 4] = (byte) 0xff;
    unsafe(write(fx.instance.resolve("disk"), image), "not valid UTF-8");
  }

  @Test
  void read_missingBackingFormat_unsafeBecauseProbing() throws Exception {
    unsafe(top(qcow2(base.toString(), null)), "without a backing format");
    unsafe(top(qcow2(base.toString(), null).version(2)), "without a backing format");
  }

  @Test
  void read_backingFormatVmdk_unsafe() throws Exception {
    ImageTrustException e = unsafe(top(qcow2(base.toString(), "vmdk")), "'vmdk'");
    assertThat(e.details()).containsEntry("backing_format", "vmdk");
  }

  @Test
  void read_declaredRawButQcow2Header_unsafeProbingAttack() throws Exception {
    Path planted = write(fx.cache.resolve("guest.raw"), qcow2("/etc/shadow", "raw"));
    ImageTrustException e = unsafe(top(qcow2(planted.toString(), "raw")), "declared raw but its header is qcow2");
    assertThat(e.details()).containsEntry("file", planted.toString());
  }

  @Test
  void read_declaredQcow2ButRaw_unsafe() throws Exception {
    unsafe(top(qcow2(base.toString(), "qcow2")), "declared qcow2 but its header is raw");
  }

  @Test
  void read_declaredRawButVmdkHeader_unsafe() throws Exception {
    Path vmdk = write(fx.cache.resolve("disk.vmdk"), TestImages.vmdk(2048, null));
    unsafe(top(qcow2(vmdk.toString(), "raw")), "declared raw but its header is vmdk");
  }

  @Test
  void read_dataFileBitOrExtensionAnywhere_unsafe() throws Exception {
    TestImages.Qcow2 bit = qcow2(base.toString(), "raw");
    bit.incompatible = 1L << 2;
    unsafe(top(bit), "external data file");
    TestImages.Qcow2 ext = qcow2(null, null);
    ext.dataFile = "/dev/sda";
    Path mid = write(fx.cache.resolve("mid.qcow2"), ext);
    unsafe(top(qcow2(mid.toString(), "qcow2")), "external data file '/dev/sda'");
  }

  @Test
  void read_unknownIncompatibleBit5OnBase_unsafe() throws Exception {
    TestImages.Qcow2 image = qcow2(null, null);
    image.incompatible = 1L << 5;
    Path mid = write(fx.cache.resolve("mid.qcow2"), image);
    unsafe(top(qcow2(mid.toString(), "qcow2")), "unknown bit 5");
  }

  @Test
  void read_dirtyTop_accepted() throws Exception {
    TestImages.Qcow2 image = qcow2(base.toString(), "raw");
    image.incompatible = 1L;
    assertThat(fx.read(top(image)).links()).hasSize(2);
  }

  @Test
  void read_dirtyOrCorruptBase_unsafe() throws Exception {
    TestImages.Qcow2 dirty = qcow2(null, null);
    dirty.incompatible = 1L;
    Path mid = write(fx.cache.resolve("mid.qcow2"), dirty);
    unsafe(top(qcow2(mid.toString(), "qcow2")), "dirty");
    dirty.incompatible = 2L;
    write(mid, dirty);
    unsafe(top(qcow2(mid.toString(), "qcow2")), "corrupt");
  }

  @Test
  void read_corruptTop_unsafe() throws Exception {
    TestImages.Qcow2 image = qcow2(base.toString(), "raw");
    image.incompatible = 2L;
    unsafe(top(image), "corrupt");
  }

  @Test
  void read_encryptedBase_unsafe() throws Exception {
    TestImages.Qcow2 image = qcow2(null, null);
    image.cryptMethod = 1;
    Path mid = write(fx.cache.resolve("mid.qcow2"), image);
    unsafe(top(qcow2(mid.toString(), "qcow2")), "encrypted");
  }

  @Test
  void read_loop_unsafe() throws Exception {
    Path a = fx.cache.resolve("a.qcow2");
    write(a, qcow2("b.qcow2", "qcow2"));
    write(fx.cache.resolve("b.qcow2"), qcow2("a.qcow2", "qcow2"));
    unsafe(top(qcow2(a.toString(), "qcow2")), "loops");
    write(a, qcow2("a.qcow2", "qcow2"));
    unsafe(top(qcow2(a.toString(), "qcow2")), "loops");
    unsafe(a, "loops");
  }

  @Test
  void read_loopThroughHardLink_unsafe() throws Exception {
    Path a = write(fx.cache.resolve("a.qcow2"), qcow2("a2.qcow2", "qcow2"));
    Files.createLink(fx.cache.resolve("a2.qcow2"), a);
    unsafe(top(qcow2(a.toString(), "qcow2")), "loops");
  }

  /** Top plus {@code backing} qcow2 backing files, the last on the raw base. */
  private Path chainOf(int backing) throws Exception {
    String next = base.toString();
    String format = "raw";
    for (int i = backing; i >= 1; i--) {
      write(fx.cache.resolve("l" + i + ".qcow2"), qcow2(next, format));
      next = "l" + i + ".qcow2";
      format = "qcow2";
    }
    return top(qcow2(fx.cache.resolve(next).toString(), format));
  }

  @Test
  void read_depthLimit_countsBackingFiles() throws Exception {
    assertThat(fx.read(chainOf(7)).backingFiles()).hasSize(8);
    unsafe(chainOf(8), "deeper than 8");
    assertThat(fx.read(chainOf(8), 9).links()).hasSize(10);
    assertThat(fx.read(chainOf(0), 1).links()).hasSize(2);
  }

  @Test
  void read_missingBase_unsafe() throws Exception {
    ImageTrustException e = unsafe(top(qcow2(fx.cache.resolve("gone.raw").toString(), "raw")), "does not exist");
    assertThat(e.details()).containsEntry("backing_file", fx.cache.resolve("gone.raw").toString());
  }

  @Test
  void read_truncatedOrGarbageMid_unsafeNamingTheFile() throws Exception {
    byte[] good = qcow2("base.raw", "raw").build();
    Path mid = write(fx.cache.resolve("mid.qcow2"), Arrays.copyOf(good, 90));
    Path top = top(qcow2(mid.toString(), "qcow2"));
    ImageTrustException e = unsafe(top, "truncated");
    assertThat(e.getMessage()).contains(mid.toString());
    assertThat(e.details()).containsEntry("file", mid.toString());

    ByteBuffer.wrap(good).putInt(20, 40);
    write(mid, good);
    assertThat(unsafe(top, "cluster_bits").details()).containsEntry("file", mid.toString());

    byte[] garbage = new byte[4096];
    Arrays.fill(garbage, (byte) 0x5a);
    write(mid, garbage);
    unsafe(top, "declared qcow2 but its header is raw");
  }

  @Test
  void read_topMissingOrNotQcow2_refused() throws Exception {
    ImageTrustException missing = fx.refusal(fx.instance.resolve("nope"));
    assertThat(missing.reason()).isEqualTo(Reason.FILE_UNREADABLE);
    unsafe(raw(fx.instance.resolve("disk"), 4096), "declared qcow2 but its header is raw");
    Path disk = top(qcow2(null, null));
    assertThat(catchThrowableOfType(ImageTrustException.class,
        () -> BackingChain.read(disk, ImageFormat.VMDK, List.of(fx.cache), 8)).reason())
        .isEqualTo(Reason.UNSAFE_IMAGE);
  }

  @Test
  void read_badArguments_programmingErrors() throws Exception {
    Path disk = top(qcow2(null, null));
    assertThatThrownBy(() -> BackingChain.read(disk, ImageFormat.QCOW2, List.of(), -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackingChain.read(null, ImageFormat.QCOW2, List.of(), 8))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void links_valueSemantics() throws Exception {
    Path top = top(qcow2(base.toString(), "raw"));
    BackingChain a = fx.read(top);
    assertThat(fx.read(top)).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(a.toString()).contains(base.toString());
    assertThat(a.top().backingFormat()).isEqualTo(Optional.of(ImageFormat.RAW));
    assertThat(a.links()).isUnmodifiable();
  }
}
