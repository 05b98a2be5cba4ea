package io.imgtrust.glance;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.ImgtrustConfig;
import java.net.http.HttpClient;
import java.time.Clock;

/** Makes {@link GlanceClient}s. */
public final class GlanceClients {
  private GlanceClients() {}

  /** A client of the {@code [glance]} section of {@code config} ({@code BAD_CONFIG} when it names no endpoint). */
  public static GlanceClient fromConfig(ImgtrustConfig config) throws ImageTrustException {
    return create(GlanceSettings.fromConfig(config));
  }

  /** A client with {@code settings}. */
  public static GlanceClient create(GlanceSettings settings) throws ImageTrustException {
    HttpClient http = Transport.client(settings);
    TokenSource tokens;
    switch (settings.auth().kind()) {
      case NONE:
        tokens = TokenSource.NONE;
        break;
      case TOKEN_FILE:
        tokens = new TokenFile(settings.auth().tokenFile().orElseThrow());
        break;
      default:
        tokens = new KeystoneTokens(http, settings.auth(), settings.connectTimeout().plus(settings.readTimeout()),
            settings.minDownloadRate(), Clock.systemUTC());
    }
    return new HttpGlanceClient(new Transport(settings, http, tokens));
  }
}
