package io.imgtrust.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.testing.Refusals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs as root: "another user" is uid 65534, "writable by others" is a group/other write bit. */
class StrictModesTest {
  private static final int NOBODY = 65534;

  @TempDir Path tmp;

  private Path dir(String name, int mode) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(name));
    Files.setAttribute(d, "unix:mode", mode);
    return d;
  }

  private static ImageTrustException refusal(Refusals.Call c) {
    return Refusals.refused(Reason.UNSAFE_CACHE, c);
  }

  @Test
  void checkDirectory_ownedByUserMode0755UnderTmp_accepted() throws Exception {
    Path d = dir("ok", 0755);

    assertThatCode(() -> StrictModes.checkDirectory("cache directory", d)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(ints = {0757, 0775, 01777})
  void checkDirectory_writableByGroupOrOthersEvenSticky_refusedNamingPathModeAndChmod(int mode) throws Exception {
    Path d = dir("base", mode);

    ImageTrustException e = refusal(() -> StrictModes.checkDirectory("cache directory", d));

    assertThat(e.getMessage()).contains("cache directory " + d).contains(String.format("%04o", mode))
        .contains("chmod go-w " + d);
  }

  @Test
  void checkDirectory_ownedByAnotherUser_refusedNamingPathAndChown() throws Exception {
    Path d = dir("base", 0755);
    Files.setAttribute(d, "unix:uid", NOBODY);

    ImageTrustException e = refusal(() -> StrictModes.checkDirectory("cache directory", d));

    assertThat(e.getMessage()).contains(d.toString()).contains("uid " + NOBODY).contains("chown root " + d);
  }

  @Test
  void checkDirectory_ancestorWritableByOthersNotSticky_refusedNamingTheAncestor() throws Exception {
    Path parent = dir("instances", 0777);
    Path d = dir("instances/_base", 0755);

    ImageTrustException e = refusal(() -> StrictModes.checkDirectory("cache directory", d));

    assertThat(e.getMessage()).contains("directory above cache directory " + d).contains(parent + " is writable")
        .contains("chmod go-w " + parent);
  }

  @Test
  void checkDirectory_ancestorOwnedByAnotherUser_refused() throws Exception {
    Path parent = dir("instances", 0755);
    Files.setAttribute(parent, "unix:uid", NOBODY);
    Path d = dir("instances/_base", 0755);

    assertThat(refusal(() -> StrictModes.checkDirectory("cache directory", d)).getMessage())
        .contains("chown root " + parent);
  }

  @Test
  void checkDirectory_stickyWorldWritableAncestor_accepted() throws Exception {
    dir("shared", 01777);
    Path d = dir("shared/_base", 0755);

    assertThatCode(() -> StrictModes.checkDirectory("cache directory", d)).doesNotThrowAnyException();
    assertThat(tmp.toString()).startsWith("/tmp/"); // and /tmp itself (1777) is an ancestor of every test here
  }

  @Test
  void checkDirectory_symlinkToUnsafeDirectory_refusedOnTheRealPath() throws Exception {
    Path real = dir("elsewhere", 0777);
    Path link = Files.createSymbolicLink(dir("instances", 0755).resolve("_base"), real);

    assertThat(refusal(() -> StrictModes.checkDirectory("cache directory", link)).getMessage())
        .contains("chmod go-w " + real);
  }

  @Test
  void checkPrivateDirectory_readableByOthers_refusedWithChmod700() throws Exception {
    Path d = dir("locks", 0755);

    assertThat(refusal(() -> StrictModes.checkPrivateDirectory("cache lock directory", d)).getMessage())
        .contains("cache lock directory " + d).contains("chmod 700 " + d);
  }

  @Test
  void checkPrivateDirectory_mode0700_accepted() throws Exception {
    Path d = dir("locks", 0700);

    assertThatCode(() -> StrictModes.checkPrivateDirectory("cache lock directory", d)).doesNotThrowAnyException();
  }

  @Test
  void checkSecretFile_readableByOthers_refusedWithChmod600() throws Exception {
    Path f = Files.writeString(tmp.resolve("host.key"), "k");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(refusal(() -> StrictModes.checkSecretFile("host key", f)).getMessage()).contains("chmod 600 " + f);
  }

  @Test
  void checkSecretFile_symlink_refused() throws Exception {
    Path target = Files.writeString(tmp.resolve("real.key"), "k");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
    Path f = Files.createSymbolicLink(tmp.resolve("host.key"), target);

    assertThat(refusal(() -> StrictModes.checkSecretFile("host key", f)).getMessage())
        .contains("host key " + f + " is a symbolic link");
  }

  @Test
  void checkSecretFile_ownedByAnotherUser_refused() throws Exception {
    Path f = Files.writeString(tmp.resolve("host.key"), "k");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    Files.setAttribute(f, "unix:uid", NOBODY);

    assertThat(refusal(() -> StrictModes.checkSecretFile("host key", f)).getMessage()).contains("chown root " + f);
  }

  @Test
  void createDirectory_missing_getsExactlyTheModeWhateverTheUmask() throws Exception {
    Path d = tmp.resolve("new");

    StrictModes.createDirectory(d, "rwx------");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).isEqualTo("rwx------");
  }
}
