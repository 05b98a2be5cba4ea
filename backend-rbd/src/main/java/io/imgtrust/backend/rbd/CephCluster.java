package io.imgtrust.backend.rbd;

import com.ceph.rados.IoCTX;
import com.ceph.rados.Rados;
import com.ceph.rados.exceptions.RadosException;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.net.HostAndPort;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.file.Files;

/**
 * The backend's one connection to the cluster (librados through rados-java), made on first use and kept until
 * {@link #close}; a failed connection is retried by the next use. Every wait is bounded by
 * {@code rbd_connect_timeout}: connecting and monitor commands by it, each OSD operation by six times it (a write may
 * queue behind others), so a dead cluster is {@code CEPH_ERROR} ({@code ETIMEDOUT}), never the client's 300 s default;
 * writes to a full pool fail at once ({@code EDQUOT}, {@code ENOSPC}) instead of waiting for room.
 * The key is read by librados from the keyring the Ceph configuration names; imgtrust never sees it. Thread-safe.
 */
final class CephCluster implements AutoCloseable {
  private final RbdSettings settings;
  private Rados rados;
  private IoCTX io;
  private RbdPool pool;
  private ImmutableList<HostAndPort> monitors;

  CephCluster(RbdSettings settings) {
    this.settings = settings;
  }

  /** The configured pool, connecting first if needed. */
  synchronized RbdPool pool() throws ImageTrustException {
    if (pool == null) {
      connect();
    }
    return pool;
  }

  /** The monitors of the Ceph configuration ({@code mon host}), for the {@code <disk>}. */
  synchronized ImmutableList<HostAndPort> monitors() throws ImageTrustException {
    pool();
    return monitors;
  }

  /** The cluster's fsid, to tell whether a Glance location is in this cluster. */
  synchronized String fsid() throws ImageTrustException {
    return pool().fsid();
  }

  /** A new I/O context on {@code poolName} of this cluster (Glance's pool); the caller {@link #release}s it. */
  synchronized IoCTX ioContext(String poolName) throws ImageTrustException {
    pool();
    try {
      return rados.ioCtxCreate(poolName);
    } catch (RadosException e) {
      throw CephErrors.of("cannot open pool '" + poolName + "' as client." + settings.user, e);
    }
  }

  /** Releases a context of {@link #ioContext}. */
  synchronized void release(IoCTX ctx) {
    if (rados != null) {
      rados.ioCtxDestroy(ctx);
    }
  }

  private void connect() throws ImageTrustException {
    if (!Files.isReadable(settings.cephConf)) {
      throw ImageTrustException.of(Reason.BAD_CONFIG, RbdSettings.CEPH_CONF.qualifiedName() + " = "
          + settings.cephConf + ": no such readable file", ImmutableMap.of("section", "libvirt", "option",
              RbdSettings.CEPH_CONF.optionName(), "value", settings.cephConf.toString()));
    }
    Rados r = new Rados(settings.user);
    try {
      long secs = settings.connectTimeout.toSeconds();
      r.confReadFile(settings.cephConf.toFile());
      r.confSet("client_mount_timeout", Long.toString(secs));
      r.confSet("rados_mon_op_timeout", Long.toString(secs));
      r.confSet("rados_osd_op_timeout", Long.toString(6 * secs));
      // librados logs to the configuration's log file; nothing on imgtrust's stderr
      r.confSet("log_to_stderr", "false");
      r.confSet("err_to_stderr", "false");
      r.connect();
      ImmutableList<HostAndPort> mons = MonitorAddresses.parse(r.confGet("mon_host"));
      IoCTX ctx = openPool(r);
      this.rados = r;
      this.io = ctx;
      this.monitors = mons;
      this.pool = new RbdPool(ctx, settings.pool, r.clusterFsid());
    } catch (RadosException e) {
      r.shutDown();
      throw CephErrors.of("cannot reach the Ceph cluster of " + settings.cephConf + " as client." + settings.user
          + " within rbd_connect_timeout = " + settings.connectTimeout.toSeconds() + " s", e);
    } catch (ImageTrustException | RuntimeException e) {
      r.shutDown();
      throw e;
    }
  }

  private IoCTX openPool(Rados r) throws ImageTrustException {
    try {
      IoCTX ctx = r.ioCtxCreate(settings.pool);
      // librbd copies the context's flags into every image it opens
      LibRados.INSTANCE.rados_set_pool_full_try(ctx.getPointer());
      return ctx;
    } catch (RadosException e) {
      throw CephErrors.of("cannot open pool '" + settings.pool + "' ([libvirt] images_rbd_pool)", e);
    }
  }

  @Override
  public synchronized void close() {
    if (rados != null) {
      rados.ioCtxDestroy(io);
      rados.shutDown();
      rados = null;
      io = null;
      pool = null;
    }
  }
}
