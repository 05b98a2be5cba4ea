package io.imgtrust.backend.rbd;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.spi.BackendSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rbd backend's options (Nova's names in {@code [libvirt]}, the rest in {@code [rbd]}) and their typed values.
 * Immutable.
 */
final class RbdSettings {
  static final BackendOption POOL = BackendOption.of("libvirt", "images_rbd_pool", Key.Type.STRING, "rbd",
      "Ceph pool the instance disks are made in");
  static final BackendOption CEPH_CONF = BackendOption.of("libvirt", "images_rbd_ceph_conf", Key.Type.PATH,
      "/etc/ceph/ceph.conf", "Ceph client configuration (monitors; the keyring it names holds the key)");
  static final BackendOption USER = BackendOption.of("libvirt", "rbd_user", Key.Type.STRING, "admin",
      "Ceph client name, without 'client.'");
  static final BackendOption SECRET_UUID = BackendOption.of("libvirt", "rbd_secret_uuid", Key.Type.STRING, "",
      "the libvirt secret (usage ceph) holding rbd_user's key; the <disk> names it, never the key");
  static final BackendOption CONNECT_TIMEOUT = BackendOption.of("libvirt", "rbd_connect_timeout",
      Key.Type.NON_NEGATIVE_INT, "5", "seconds to reach the cluster, and the bound on every Ceph operation's wait");
  static final BackendOption MODE = BackendOption.of("rbd", "mode", Key.Type.choice("import", "clone"), "import",
      "import: each disk is a verified import (Nova's behaviour); clone: clones of one verified base per image");
  static final BackendOption CLUSTER_KEY_FILE = BackendOption.of("rbd", "cluster_key_file", Key.Type.PATH,
      "/etc/imgtrust/cluster.key", "clone mode: HMAC key sealing verified bases, the same on every host");
  static final BackendOption RECHECK = BackendOption.of("rbd", "recheck", Key.Type.choice("never", "always"),
      "never", "clone mode: always = re-read a base's snapshot and check every chunk before each clone");

  static final ImmutableList<BackendOption> ALL = ImmutableList.of(POOL, CEPH_CONF, USER, SECRET_UUID,
      CONNECT_TIMEOUT, MODE, CLUSTER_KEY_FILE, RECHECK);

  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  final String pool;
  final Path cephConf;
  final String user;
  final Optional<String> secretUuid;
  final Duration connectTimeout;
  final boolean cloneMode;
  final Path clusterKeyFile;
  final boolean recheckAlways;

  private RbdSettings(BackendSettings s) throws ImageTrustException {
    pool = s.string(POOL);
    cephConf = s.path(CEPH_CONF);
    user = s.string(USER);
    String uuid = s.string(SECRET_UUID);
    secretUuid = uuid.isEmpty() ? Optional.empty() : Optional.of(uuid);
    connectTimeout = Duration.ofSeconds(s.number(CONNECT_TIMEOUT));
    cloneMode = s.string(MODE).equals("clone");
    clusterKeyFile = s.path(CLUSTER_KEY_FILE);
    recheckAlways = s.string(RECHECK).equals("always");
  }

  /**
   * The settings of this host's configuration.
   *
   * @throws ImageTrustException {@code BAD_CONFIG}: an empty pool or user, a secret that is not a UUID, a timeout of 0
   */
  static RbdSettings from(BackendSettings s) throws ImageTrustException {
    RbdSettings r = new RbdSettings(s);
    require(!r.pool.isEmpty() && !r.pool.contains("/"), POOL, r.pool, "a pool name");
    require(!r.user.isEmpty() && !r.user.startsWith("client."), USER, r.user, "a client name without 'client.'");
    require(r.secretUuid.map(u -> UUID.matcher(u).matches()).orElse(true), SECRET_UUID, r.secretUuid.orElse(""),
        "a libvirt secret UUID");
    require(!r.connectTimeout.isZero(), CONNECT_TIMEOUT, "0", "at least 1 second");
    return r;
  }

  /**
   * {@code rbd_secret_uuid}, which every {@code <disk>} needs (the cluster runs cephx).
   *
   * @throws ImageTrustException {@code BAD_CONFIG} when it is not set
   */
  String requireSecret() throws ImageTrustException {
    require(secretUuid.isPresent(), SECRET_UUID, "", "set to the libvirt secret (usage type ceph) holding the key of "
        + "client." + user);
    return secretUuid.get();
  }

  private static void require(boolean ok, BackendOption o, String value, String what) throws ImageTrustException {
    if (!ok) {
      throw ImageTrustException.of(Reason.BAD_CONFIG, o.qualifiedName() + " = '" + value + "': must be " + what,
          ImmutableMap.of("section", o.section(), "option", o.optionName(), "value", value));
    }
  }
}
