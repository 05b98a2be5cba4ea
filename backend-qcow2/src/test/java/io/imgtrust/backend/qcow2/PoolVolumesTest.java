package io.imgtrust.backend.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PoolVolumesTest {
  @TempDir Path root;
  private Path run;
  private Path etc;
  private PoolVolumes pools;

  @BeforeEach
  void setUp() throws Exception {
    run = Files.createDirectories(root.resolve("run"));
    etc = Files.createDirectories(root.resolve("etc"));
    pools = new PoolVolumes(ImmutableList.of(run, etc));
  }

  private static DomainDisks.Disk volume(String pool, String volume) throws Exception {
    return DomainDisks.read("<domain><devices><disk type='volume'><source pool='" + pool + "' volume='" + volume
        + "'/><target dev='vdb'/></disk></devices></domain>").disks.get(0);
  }

  private static String pool(String type, String path) {
    return "<!-- generated --><pool type='" + type + "'><name>p</name><target><path>" + path
        + "</path></target></pool>";
  }

  @Test
  void resolve_runningDirPoolState_fileUnderTargetPath() throws Exception {
    Files.writeString(run.resolve("p.xml"), "<poolstate>" + pool("dir", "/srv/_base") + "</poolstate>");

    PoolVolumes.Volume v = pools.resolve(volume("p", "abc"));

    assertThat(v.poolType).isEqualTo("dir");
    assertThat(v.files).containsExactly(Path.of("/srv/_base/abc"));
  }

  @Test
  void resolve_runningAndPersistentDefinitionsDiffer_bothFiles() throws Exception {
    Files.writeString(run.resolve("p.xml"), "<poolstate>" + pool("dir", "/a") + "</poolstate>");
    Files.writeString(etc.resolve("p.xml"), pool("netfs", "/b"));

    assertThat(pools.resolve(volume("p", "v")).files).containsExactly(Path.of("/a/v"), Path.of("/b/v"));
  }

  @Test
  void resolve_logicalPool_noFile() throws Exception {
    Files.writeString(etc.resolve("p.xml"), pool("logical", "/dev/vg"));

    PoolVolumes.Volume v = pools.resolve(volume("p", "lv"));

    assertThat(v.files).isEmpty();
    assertThat(v.poolType).isEqualTo("logical");
  }

  @Test
  void resolve_noDefinition_unsafeDomain() throws Exception {
    assertThat(refusal(volume("missing", "v")).getMessage()).contains("no definition of pool missing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"<pool type='iscsi-weird'><target><path>/x</path></target></pool>",
      "<pool type='dir'><target><path>relative</path></target></pool>", "<pool type='dir'/>",
      "<!DOCTYPE pool [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><pool type='dir'>&x;</pool>", "<pool", "<other/>"})
  void resolve_unusableDefinition_unsafeDomain(String xml) throws Exception {
    Files.writeString(etc.resolve("p.xml"), xml);

    assertThat(refusal(volume("p", "v")).getMessage()).contains("vdb");
  }

  @Test
  void resolve_hugeDefinition_unsafeDomain() throws Exception {
    Files.writeString(etc.resolve("p.xml"), pool("dir", "/a" + "x".repeat(PoolVolumes.MAX_BYTES)));

    assertThat(refusal(volume("p", "v")).getMessage()).contains("larger than");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../p", ".."})
  void resolve_poolNameNotPlain_unsafeDomain(String name) throws Exception {
    Files.writeString(root.resolve("p.xml"), pool("dir", "/a"));

    assertThat(refusal(volume(name, "v")).getMessage()).contains("not a plain name");
  }

  @Test
  void resolve_volumeNameWithSlash_unsafeDomain() throws Exception {
    Files.writeString(etc.resolve("p.xml"), pool("dir", "/a"));

    assertThat(refusal(volume("p", "../etc/shadow")).getMessage()).contains("not a plain name");
  }

  private ImageTrustException refusal(DomainDisks.Disk disk) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> pools.resolve(disk));
    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.UNSAFE_DOMAIN);
    return e;
  }
}
