package io.imgtrust.core.config;

import com.google.common.collect.ImmutableSet;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every configuration option imgtrust reads: its INI section, name, type and default. Names follow Nova where Nova
 * has the option, so operators recognise them.
 */
public enum Key {
  INSTANCES_PATH("DEFAULT", "instances_path", Type.PATH, "/var/lib/imgtrust/instances"),
  /** oslo.log's option: where log lines go (appended); empty = stderr. The libvirt hook logs here too. */
  LOG_FILE("DEFAULT", "log_file", Type.STRING, ""),

  /**
   * The backend; the valid values are the ids of the installed backend providers and Nova's aliases
   * ({@code default}, {@code raw}), checked when the backend is created ({@code Backends.create}).
   */
  IMAGES_TYPE("libvirt", "images_type", Type.NAME, "default"),
  CONNECTION_URI("libvirt", "connection_uri", Type.STRING, "qemu:///system"),

  SUBDIRECTORY_NAME("image_cache", "subdirectory_name", Type.STRING, "_base"),
  FORCE_RAW_IMAGES("image_cache", "force_raw_images", Type.BOOLEAN, "true"),
  /** Average rate of {@code imgtrust cache scrub} in MiB/s; 0 = unlimited. */
  SCRUB_RATE_MIB("image_cache", "scrub_rate_mib", Type.NON_NEGATIVE_INT, "0"),
  /** Prometheus text file {@code cache scrub} replaces atomically (node_exporter textfile collector); empty = none. */
  METRICS_FILE("image_cache", "metrics_file", Type.STRING, ""),
  /** Glance disk formats a fill accepts; others are refused (UNSAFE_IMAGE) before anything converts them. */
  ALLOWED_DISK_FORMATS("image_cache", "allowed_disk_formats", Type.LIST, "raw,qcow2"),
  /** The largest virtual size a fill accepts (bytes, or with a K, M, G or T suffix, binary). */
  MAX_VIRTUAL_SIZE("image_cache", "max_virtual_size", Type.SIZE, "1T"),
  /** Make sealed cache files immutable (FS_IMMUTABLE_FL, as chattr +i) where the filesystem and privileges allow. */
  IMMUTABLE_FILES("image_cache", "immutable_files", Type.BOOLEAN, "true"),
  /** The longest wait for a cache entry's lock, in seconds, before LOCK_TIMEOUT. */
  LOCK_TIMEOUT_SECONDS("image_cache", "lock_timeout_seconds", Type.NON_NEGATIVE_INT, "600"),

  MODE("verification", "mode", Type.choice("enforce", "warn"), "enforce"),
  VERIFY_SIGNATURES("verification", "verify_signatures", Type.BOOLEAN, "false"),
  CERTIFICATES_DIR("verification", "certificates_dir", Type.PATH, "/etc/imgtrust/certs"),
  TRUSTED_CERTS_DIR("verification", "trusted_certs_dir", Type.PATH, "/etc/imgtrust/trusted"),
  TRUSTED_CERTIFICATE_IDS("verification", "trusted_certificate_ids", Type.LIST, ""),
  RECHECK("verification", "recheck", Type.choice("always", "interval", "never"), "always"),
  RECHECK_INTERVAL_SECONDS("verification", "recheck_interval_seconds", Type.NON_NEGATIVE_INT, "3600"),
  RECHECK_SIGNATURE("verification", "recheck_signature", Type.BOOLEAN, "false"),
  HOST_KEY_FILE("verification", "host_key_file", Type.PATH, "/etc/imgtrust/host.key");

  private final String section;
  private final String name;
  private final Type type;
  private final String defaultValue;

  Key(String section, String name, Type type, String defaultValue) {
    this.section = section;
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
  }

  public String section() {
    return section;
  }

  /** The option name within its section. */
  public String optionName() {
    return name;
  }

  public Type type() {
    return type;
  }

  /** The default, as it would be written in the file. */
  public String defaultValue() {
    return defaultValue;
  }

  /** {@code [section] name}, for messages. */
  public String qualifiedName() {
    return "[" + section + "] " + name;
  }

  /** The key in {@code section} named {@code name}, if imgtrust has one. Names are case-sensitive, as in Nova. */
  public static Optional<Key> find(String section, String name) {
    return Arrays.stream(values())
        .filter(k -> k.section.equals(section) && k.name.equals(name))
        .findFirst();
  }

  /** The sections imgtrust reads. */
  public static ImmutableSet<String> sections() {
    return Arrays.stream(values()).map(Key::section).collect(ImmutableSet.toImmutableSet());
  }

  /** The kind of value an option takes (core's {@link Key}s and the options backends declare alike). Immutable. */
  public static final class Type {
    public static final Type STRING = new Type("string", ImmutableSet.of());
    public static final Type PATH = new Type("path", ImmutableSet.of());
    public static final Type BOOLEAN = new Type("boolean", ImmutableSet.of());
    public static final Type NON_NEGATIVE_INT = new Type("integer >= 0", ImmutableSet.of());
    public static final Type LIST = new Type("comma-separated list", ImmutableSet.of());
    public static final Type SIZE = new Type("size in bytes, or with a K, M, G or T suffix", ImmutableSet.of());
    /** A plain lower-case name: letters, digits, {@code -} and {@code _}. */
    public static final Type NAME = new Type("a lower-case name ([a-z0-9_-]+)", ImmutableSet.of());

    private final String description;
    private final ImmutableSet<String> choices;

    private Type(String description, ImmutableSet<String> choices) {
      this.description = description;
      this.choices = choices;
    }

    /** One of {@code choices}, written exactly. */
    public static Type choice(String... choices) {
      return new Type("one of " + String.join(" | ", choices), ImmutableSet.copyOf(choices));
    }

    /** What values are allowed, for messages and documentation. */
    public String description() {
      return description;
    }

    /** The allowed words of a choice; empty for other types. */
    public ImmutableSet<String> choices() {
      return choices;
    }
  }
}
