package io.imgtrust.backend.rbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.Backends;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options and settings of the rbd backend; nothing here reaches a cluster. */
class RbdBackendProviderTest {
  private static final String NOVA = "[libvirt]\nimages_type = rbd\nimages_rbd_pool = vms\n"
      + "images_rbd_ceph_conf = /etc/ceph/other.conf\nrbd_user = cinder\n"
      + "rbd_secret_uuid = 457eb676-33da-42ec-9a8c-9293d545c337\nrbd_connect_timeout = 7\n"
      + "[rbd]\nmode = import\ncluster_key_file = /srv/cluster.key\nrecheck = always\n";

  @TempDir Path root;

  @Test
  void options_novaNamesInLibvirtAndOwnInRbd() {
    assertThat(new RbdBackendProvider().options().stream().map(BackendOption::qualifiedName)).containsExactly(
        "[libvirt] images_rbd_pool", "[libvirt] images_rbd_ceph_conf", "[libvirt] rbd_user",
        "[libvirt] rbd_secret_uuid", "[libvirt] rbd_connect_timeout", "[rbd] mode", "[rbd] cluster_key_file",
        "[rbd] recheck");
  }

  @Test
  void load_novaRbdOptions_knownAndReadTyped() throws Exception {
    CacheFixture f = CacheFixture.create(root, NOVA);
    RbdSettings s = RbdSettings.from(BackendContext.of(f.conf, f.cache).settings());

    assertThat(f.conf.warnings()).isEmpty();
    assertThat(s.pool).isEqualTo("vms");
    assertThat(s.cephConf).isEqualTo(Path.of("/etc/ceph/other.conf"));
    assertThat(s.user).isEqualTo("cinder");
    assertThat(s.secretUuid).contains("457eb676-33da-42ec-9a8c-9293d545c337");
    assertThat(s.connectTimeout.toSeconds()).isEqualTo(7);
    assertThat(s.recheckAlways).isTrue();
  }

  @Test
  void create_secretNotAUuid_badConfigNamingTheOption() throws Exception {
    assertBadConfig("[libvirt]\nrbd_secret_uuid = client.admin-key\n", "rbd_secret_uuid");
  }

  @Test
  void create_zeroConnectTimeout_badConfig() throws Exception {
    assertBadConfig("[libvirt]\nrbd_connect_timeout = 0\n", "rbd_connect_timeout");
  }

  @Test
  void create_userWithClientPrefix_badConfig() throws Exception {
    assertBadConfig("[libvirt]\nrbd_user = client.admin\n", "rbd_user");
  }

  @Test
  void create_cloneModeWithoutClusterKey_badConfigNamingIt() throws Exception {
    assertBadConfig("[rbd]\nmode = clone\ncluster_key_file = " + root.resolve("missing.key") + "\n",
        "cluster_key_file");
  }

  @Test
  void load_unknownMode_badConfig() {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> CacheFixture.create(root, "[rbd]\nmode = copy\n"));

    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.getMessage()).contains("mode");
  }

  @Test
  void prepare_noSecretUuid_badConfigBeforeAnyCephCall() throws Exception {
    CacheFixture f = CacheFixture.create(root, "[libvirt]\nimages_rbd_ceph_conf = " + root.resolve("none.conf"));
    try (ImageBackend b = Backends.create(BackendContext.of(f.conf, f.cache), "rbd")) {
      ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
          () -> b.prepare(SpawnRequest.of("vm", f.add("img", CacheFixture.randomImage(4096, 1)))));

      assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
      assertThat(e.getMessage()).contains("rbd_secret_uuid");
    }
  }

  @Test
  void prepare_missingCephConf_badConfigNamingIt() throws Exception {
    CacheFixture f = CacheFixture.create(root, "[libvirt]\nimages_rbd_ceph_conf = " + root.resolve("none.conf")
        + "\nrbd_secret_uuid = " + CephTestCluster.SOME_SECRET);
    try (ImageBackend b = Backends.create(BackendContext.of(f.conf, f.cache), "rbd")) {
      ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
          () -> b.prepare(SpawnRequest.of("vm", f.add("img", CacheFixture.randomImage(4096, 1)))));

      assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
      assertThat(e.getMessage()).contains("images_rbd_ceph_conf").contains("none.conf");
    }
  }

  private void assertBadConfig(String config, String option) throws Exception {
    CacheFixture f = CacheFixture.create(root, config);
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> Backends.create(BackendContext.of(f.conf, f.cache), "rbd"));

    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.getMessage()).contains(option);
  }
}
