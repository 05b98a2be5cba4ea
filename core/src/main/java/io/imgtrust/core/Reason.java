package io.imgtrust.core;

/**
 * Stable reason codes for every refusal and failure imgtrust reports.
 *
 * <p>The names are a contract: scripts match on them and they appear as {@code "reason"} in the JSON output of the
 * {@code imgtrust} command. A code is never renamed or reused; new codes may be added. Each code belongs to one
 * {@link Kind}, which fixes the command's exit status.
 */
public enum Reason {
  /** The command line was wrong (unknown option, missing argument). */
  USAGE(Kind.BAD_INPUT),
  /** The configuration file is unreadable or holds a bad value; the message names file, section and key. */
  BAD_CONFIG(Kind.BAD_INPUT),
  /** The Glance image JSON is not valid; the message names the field. */
  MALFORMED_METADATA(Kind.BAD_INPUT),
  /** A certificate file could not be parsed. */
  MALFORMED_CERTIFICATE(Kind.BAD_INPUT),
  /** A private key file could not be parsed, is encrypted, or has no Glance key type. */
  MALFORMED_KEY(Kind.BAD_INPUT),
  /** Libvirt domain XML (given to beforeBoot or the hook) does not parse or is not a domain. */
  MALFORMED_DOMAIN(Kind.BAD_INPUT),
  /** An input file named on the command line cannot be read. */
  FILE_UNREADABLE(Kind.BAD_INPUT),
  /** The requested disk size is smaller than the image (Nova's FlavorDiskSmallerThanImage). */
  FLAVOR_TOO_SMALL(Kind.BAD_INPUT),

  /** A digest of the image bytes differs from the expected one. */
  DIGEST_MISMATCH(Kind.REFUSED),
  /** The image has another size than the metadata says. */
  SIZE_MISMATCH(Kind.REFUSED),
  /** The signature does not verify with the signing certificate's key. */
  SIGNATURE_INVALID(Kind.REFUSED),
  /** Signatures are required by policy and the image has none. */
  SIGNATURE_MISSING(Kind.REFUSED),
  /** The signing certificate named by {@code img_signature_certificate_uuid} is not in the certificate directory. */
  CERT_NOT_FOUND(Kind.REFUSED),
  /** The signing certificate, or a CA on its path, has expired. */
  CERT_EXPIRED(Kind.REFUSED),
  /** The signing certificate, or a CA on its path, is not valid yet. */
  CERT_NOT_YET_VALID(Kind.REFUSED),
  /** No path leads from the signing certificate to a trusted root through trusted, valid CAs. */
  CERT_UNTRUSTED(Kind.REFUSED),
  /** {@code img_signature_key_type} does not match the signing certificate's key. */
  KEY_TYPE_MISMATCH(Kind.REFUSED),
  /** The metadata offers nothing to check the bytes against (no checksum, multihash or signature). */
  UNVERIFIABLE(Kind.REFUSED),
  /** The image's real format is not its {@code disk_format}. */
  FORMAT_MISMATCH(Kind.REFUSED),
  /** The image could make the hypervisor read other files: a backing file, an external data file, unknown features. */
  UNSAFE_IMAGE(Kind.REFUSED),
  /** A qcow2 backing file lies outside the image cache (and {@code [qcow2] allowed_backing_dirs}). */
  UNTRUSTED_BACKING_FILE(Kind.REFUSED),
  /** A ledger record is missing, fails its seal, or names another file; consumption is refused in enforce mode. */
  RECORD_INVALID(Kind.REFUSED),
  /** The requested cache entry does not exist. */
  NOT_CACHED(Kind.REFUSED),
  /**
   * The domain XML would let libvirt relabel (chown) a cache file for the QEMU user, or has a disk whose chain the
   * before-boot check cannot follow exactly; the message says how to fix the domain.
   */
  UNSAFE_DOMAIN(Kind.REFUSED),
  /** The Glance image is not {@code active} (queued, saving, deactivated, ...): there are no bytes to fetch. */
  IMAGE_NOT_ACTIVE(Kind.REFUSED),
  /**
   * Glance has no image with this id, or does not show it to these credentials (404); or {@code cache base-remove}
   * found no shared base of it.
   */
  IMAGE_NOT_FOUND(Kind.BAD_INPUT),
  /** A shared base (an rbd verified base) still has clones, so it is not removed; the message names how many. */
  BASE_IN_USE(Kind.REFUSED),

  /** Reading or writing failed on the host (I/O error, no space). */
  IO_ERROR(Kind.HOST_FAILURE),
  /** libvirt refused or failed (connection, define, start) for a reason that is not imgtrust's own refusal. */
  LIBVIRT_ERROR(Kind.HOST_FAILURE),
  /** The disk a backend would make already exists; it is never overwritten. */
  TARGET_EXISTS(Kind.HOST_FAILURE),
  /**
   * The cache directory, its record directory or the host key's directory is writable by someone other than the user
   * imgtrust runs as (as sshd's StrictModes); the message names the path and the fix.
   */
  UNSAFE_CACHE(Kind.HOST_FAILURE),
  /**
   * A volume group has too little free space for the logical volume a backend would create (checked before anything
   * is created); the details name the group, the bytes needed and the bytes free.
   */
  VOLUME_GROUP_FULL(Kind.HOST_FAILURE),
  /** A cache entry's lock was not obtained within {@code [image_cache] lock_timeout_seconds}; names the holder. */
  LOCK_TIMEOUT(Kind.HOST_FAILURE),
  /**
   * The Ceph cluster failed or could not be reached (within {@code rbd_connect_timeout}); the details name the errno
   * ({@code errno}, e.g. {@code ETIMEDOUT}, {@code EDQUOT}).
   */
  CEPH_ERROR(Kind.HOST_FAILURE),
  /**
   * Glance or Keystone failed: unreachable after {@code [glance] num_retries}, an error status, an authentication
   * failure, or a download that stalled longer than {@code [glance] read_timeout}.
   */
  GLANCE_ERROR(Kind.HOST_FAILURE),

  /** A bug: something that should not happen did. */
  INTERNAL(Kind.UNEXPECTED);

  /** What kind of outcome a reason is; fixes the exit status of the command. */
  public enum Kind {
    /** Exit 2: usage error or malformed input. */
    BAD_INPUT(2),
    /** Exit 3: verification refused the image. */
    REFUSED(3),
    /** Exit 4: a backend or host failure. */
    HOST_FAILURE(4),
    /** Exit 1: anything unexpected. */
    UNEXPECTED(1);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    /** The process exit status the {@code imgtrust} command uses for this kind. */
    public int exitCode() {
      return exitCode;
    }
  }

  private final Kind kind;

  Reason(Kind kind) {
    this.kind = kind;
  }

  /** The kind of this reason. */
  public Kind kind() {
    return kind;
  }

  /** Shorthand for {@code kind().exitCode()}. */
  public int exitCode() {
    return kind.exitCode();
  }
}
