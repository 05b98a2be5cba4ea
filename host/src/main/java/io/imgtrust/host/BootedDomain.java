package io.imgtrust.host;

import static com.google.common.base.Preconditions.checkNotNull;

/** A domain {@link ImgtrustHost#boot} defined and started: where, what, and how long each step took. Immutable. */
public final class BootedDomain {
  private final String name;
  private final String uri;
  private final String type;
  private final boolean running;
  private final long defineMs;
  private final long beforeBootMs;
  private final long startMs;

  BootedDomain(String name, String uri, String type, boolean running, long defineMs, long beforeBootMs,
      long startMs) {
    this.name = checkNotNull(name);
    this.uri = checkNotNull(uri);
    this.type = checkNotNull(type);
    this.running = running;
    this.defineMs = defineMs;
    this.beforeBootMs = beforeBootMs;
    this.startMs = startMs;
  }

  public String name() {
    return name;
  }

  /** The libvirt connection URI ({@code [libvirt] connection_uri}). */
  public String uri() {
    return uri;
  }

  /** The domain type: {@code kvm} or {@code qemu}. */
  public String type() {
    return type;
  }

  /** {@code running}, or {@code not running} when libvirt did not report the domain active after the start. */
  public String state() {
    return running ? "running" : "not running";
  }

  public long defineMs() {
    return defineMs;
  }

  /** Time of the before-boot check, between define and start. */
  public long beforeBootMs() {
    return beforeBootMs;
  }

  public long startMs() {
    return startMs;
  }
}
