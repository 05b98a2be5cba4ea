package io.imgtrust.glance;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.spi.BackendSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the Glance client connects to and how: the API endpoints (tried in turn), retries, timeouts, TLS and
 * authentication. Immutable; the {@code with*} methods return changed copies.
 */
public final class GlanceSettings {
  private final ImmutableList<URI> apiServers;
  private final int numRetries;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Optional<Path> cafile;
  private final boolean insecure;
  private final GlanceAuth auth;
  private final Duration backoffBase;
  private final long minDownloadRate;

  /** The default {@link #minDownloadRate()}: 64 KiB/s. */
  public static final long DEFAULT_MIN_DOWNLOAD_RATE = 64 << 10;

  private GlanceSettings(ImmutableList<URI> apiServers, int numRetries, Duration connectTimeout,
      Duration readTimeout, Optional<Path> cafile, boolean insecure, GlanceAuth auth, Duration backoffBase,
      long minDownloadRate) {
    checkArgument(!apiServers.isEmpty(), "no api_servers");
    checkArgument(numRetries >= 0, "numRetries");
    this.apiServers = apiServers;
    this.numRetries = numRetries;
    this.connectTimeout = checkNotNull(connectTimeout);
    this.readTimeout = checkNotNull(readTimeout);
    this.cafile = checkNotNull(cafile);
    this.insecure = insecure;
    this.auth = checkNotNull(auth);
    this.backoffBase = checkNotNull(backoffBase);
    checkArgument(minDownloadRate >= 0, "minDownloadRate");
    this.minDownloadRate = minDownloadRate;
  }

  /**
   * {@code apiServers} with the defaults: 3 retries, 10 s to connect, 60 s read timeout, a minimum download rate of
   * 64 KiB/s, the JDK's CAs, no auth.
   */
  public static GlanceSettings of(URI... apiServers) {
    return new GlanceSettings(ImmutableList.copyOf(apiServers), 3, Duration.ofSeconds(10), Duration.ofSeconds(60),
        Optional.empty(), false, GlanceAuth.none(), Duration.ofMillis(500), DEFAULT_MIN_DOWNLOAD_RATE);
  }

  /** Whether {@code config} names any Glance endpoint ({@code [glance] api_servers}). */
  public static boolean configured(ImgtrustConfig config) throws ImageTrustException {
    return !BackendSettings.of(config).list(GlanceOptions.API_SERVERS).isEmpty();
  }

  /**
   * The {@code [glance]} section of {@code config}.
   *
   * @throws ImageTrustException {@code BAD_CONFIG} naming the option: no api_servers, a URL that is not http(s),
   *     a Keystone auth_type without auth_url or credentials, token_file without a file
   */
  public static GlanceSettings fromConfig(ImgtrustConfig config) throws ImageTrustException {
    BackendSettings s = BackendSettings.of(config);
    ImmutableList.Builder<URI> servers = ImmutableList.builder();
    for (String u : s.list(GlanceOptions.API_SERVERS)) {
      servers.add(url(config, GlanceOptions.API_SERVERS, u));
    }
    if (s.list(GlanceOptions.API_SERVERS).isEmpty()) {
      throw bad(config, GlanceOptions.API_SERVERS, "names no Glance endpoint");
    }
    String cafile = s.string(GlanceOptions.CAFILE);
    return new GlanceSettings(servers.build(), (int) Math.min(100, s.number(GlanceOptions.NUM_RETRIES)),
        Duration.ofSeconds(Math.max(1, s.number(GlanceOptions.CONNECT_TIMEOUT))),
        Duration.ofSeconds(Math.max(1, s.number(GlanceOptions.READ_TIMEOUT))),
        cafile.isEmpty() ? Optional.empty() : Optional.of(Path.of(cafile)), s.bool(GlanceOptions.INSECURE),
        auth(config, s), Duration.ofMillis(500), s.number(GlanceOptions.MIN_DOWNLOAD_RATE) * 1024);
  }

  private static GlanceAuth auth(ImgtrustConfig config, BackendSettings s) throws ImageTrustException {
    switch (s.string(GlanceOptions.AUTH_TYPE)) {
      case "none":
        return GlanceAuth.none();
      case "token_file":
        return GlanceAuth.tokenFile(Path.of(required(config, s, GlanceOptions.TOKEN_FILE)));
      case "v3applicationcredential":
        return GlanceAuth.applicationCredential(keystone(config, s),
            required(config, s, GlanceOptions.APPLICATION_CREDENTIAL_ID),
            required(config, s, GlanceOptions.APPLICATION_CREDENTIAL_SECRET));
      default: // password, v3password
        return GlanceAuth.password(keystone(config, s), required(config, s, GlanceOptions.USERNAME),
            s.string(GlanceOptions.USER_DOMAIN_NAME), required(config, s, GlanceOptions.PASSWORD),
            required(config, s, GlanceOptions.PROJECT_NAME), s.string(GlanceOptions.PROJECT_DOMAIN_NAME));
    }
  }

  private static URI keystone(ImgtrustConfig config, BackendSettings s) throws ImageTrustException {
    return url(config, GlanceOptions.AUTH_URL, required(config, s, GlanceOptions.AUTH_URL));
  }

  private static String required(ImgtrustConfig config, BackendSettings s, BackendOption o)
      throws ImageTrustException {
    String v = s.string(o);
    if (v.isEmpty()) {
      throw bad(config, o, "must be set for auth_type = " + s.string(GlanceOptions.AUTH_TYPE));
    }
    return v;
  }

  private static URI url(ImgtrustConfig config, BackendOption o, String text) throws ImageTrustException {
    try {
      URI u = new URI(text);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
          && u.getQuery() == null && u.getFragment() == null) {
        return u;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw bad(config, o, "'" + text + "' is not an http:// or https:// URL");
  }

  private static ImageTrustException bad(ImgtrustConfig config, BackendOption o, String problem) {
    String file = config.source().map(String::valueOf).orElse("(defaults)");
    return ImageTrustException.of(Reason.BAD_CONFIG, file + ": " + o.qualifiedName() + " " + problem,
        ImmutableMap.of("file", file, "section", o.section(), "option", o.optionName()));
  }

  public GlanceSettings withRetries(int n) {
    return new GlanceSettings(apiServers, n, connectTimeout, readTimeout, cafile, insecure, auth, backoffBase,
        minDownloadRate);
  }

  public GlanceSettings withTimeouts(Duration connect, Duration read) {
    return new GlanceSettings(apiServers, numRetries, connect, read, cafile, insecure, auth, backoffBase,
        minDownloadRate);
  }

  public GlanceSettings withAuth(GlanceAuth a) {
    return new GlanceSettings(apiServers, numRetries, connectTimeout, readTimeout, cafile, insecure, a, backoffBase,
        minDownloadRate);
  }

  /** The first wait between retries; it doubles on each retry, up to 16 times it. */
  public GlanceSettings withBackoff(Duration base) {
    return new GlanceSettings(apiServers, numRetries, connectTimeout, readTimeout, cafile, insecure, auth, base,
        minDownloadRate);
  }

  /** The floor under a transfer's average rate, in bytes per second (0 = none); see {@link #minDownloadRate()}. */
  public GlanceSettings withMinDownloadRate(long bytesPerSecond) {
    return new GlanceSettings(apiServers, numRetries, connectTimeout, readTimeout, cafile, insecure, auth,
        backoffBase, bytesPerSecond);
  }

  public ImmutableList<URI> apiServers() {
    return apiServers;
  }

  public int numRetries() {
    return numRetries;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration readTimeout() {
    return readTimeout;
  }

  public Optional<Path> cafile() {
    return cafile;
  }

  public boolean insecure() {
    return insecure;
  }

  public GlanceAuth auth() {
    return auth;
  }

  public Duration backoffBase() {
    return backoffBase;
  }

  /**
   * Bytes per second a transfer must average (0 = no floor): one that has taken longer than the read timeout plus
   * the time its bytes would take at this rate fails, resumes included.
   */
  public long minDownloadRate() {
    return minDownloadRate;
  }
}
