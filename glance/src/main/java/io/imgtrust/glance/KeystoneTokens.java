package io.imgtrust.glance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.SourceFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Keystone v3 tokens ({@code POST /v3/auth/tokens}) for a password or an application credential, renewed when
 * fewer than {@link #STALE} remain before {@code expires_at} (keystoneauth's rule), or after Glance refused one.
 * Failures are {@code GLANCE_ERROR} naming Keystone's status; the secret never appears in a message.
 */
final class KeystoneTokens implements TokenSource {
  /** A token this close to its expiry is renewed first. */
  static final Duration STALE = Duration.ofSeconds(30);
  /** Keystone's answer is read up to this size (a token document is a few KiB, with a catalog some tens). */
  static final int MAX_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final GlanceAuth auth;
  private final Duration timeout;
  private final long minRate;
  private final Clock clock;
  private String token;
  private Instant expiresAt = Instant.MIN;

  /** Keystone's answer must keep {@code minRate} bytes per second after {@code timeout} (0 = none; {@link Pace}). */
  KeystoneTokens(HttpClient http, GlanceAuth auth, Duration timeout, long minRate, Clock clock) {
    this.http = http;
    this.auth = auth;
    this.timeout = timeout;
    this.minRate = minRate;
    this.clock = clock;
  }

  @Override
  public synchronized Optional<String> token() throws ImageTrustException {
    if (token == null || !clock.instant().plus(STALE).isBefore(expiresAt)) {
      issue();
    }
    return Optional.of(token);
  }

  @Override
  public synchronized void invalidate(String refused) {
    if (refused.equals(token)) {
      token = null;
    }
  }

  private void issue() throws ImageTrustException {
    URI url = tokensUrl(auth.authUrl().orElseThrow());
    HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
        .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body())).build();
    String what = "keystone " + url;
    HttpResponse<BodyChannel> r;
    try {
      r = Transport.send(http, req, BodyChannel.handler(timeout, what));
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.GLANCE_ERROR, what + ": " + Tls.describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ImageTrustException.wrap(Reason.GLANCE_ERROR, what + ": interrupted", e);
    }
    try (BodyChannel body = r.body()) {
      Optional<String> subject = r.headers().firstValue("X-Subject-Token");
      if (r.statusCode() / 100 != 2 || subject.isEmpty()) {
        throw ImageTrustException.of(Reason.GLANCE_ERROR, what + " refused " + auth + ": HTTP " + r.statusCode());
      }
      expiresAt = expiresAt(body.readAll(MAX_BYTES, minRate), what);
      token = subject.get();
    } catch (SourceFailure e) {
      throw e.failure();
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.GLANCE_ERROR, what + ": " + e, e);
    }
  }

  private static Instant expiresAt(byte[] answer, String what) throws ImageTrustException {
    try {
      return Instant.parse(JSON.readTree(answer).path("token").path("expires_at").asText());
    } catch (IOException | DateTimeParseException e) {
      throw ImageTrustException.wrap(Reason.GLANCE_ERROR, what + ": no token.expires_at in the answer", e);
    }
  }

  /** {@code auth_url} with or without its {@code /v3}. */
  static URI tokensUrl(URI authUrl) {
    String s = authUrl.toString().replaceAll("/+$", "");
    return URI.create(s.endsWith("/v3") ? s + "/auth/tokens" : s + "/v3/auth/tokens");
  }

  private String body() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode identity = root.putObject("auth").putObject("identity");
    if (auth.kind() == GlanceAuth.Kind.APPLICATION_CREDENTIAL) {
      identity.putArray("methods").add("application_credential");
      identity.putObject("application_credential").put("id", auth.name()).put("secret", auth.secret());
    } else {
      identity.putArray("methods").add("password");
      ObjectNode user = identity.putObject("password").putObject("user");
      user.put("name", auth.name()).put("password", auth.secret()).putObject("domain").put("name",
          auth.userDomain());
      ObjectNode project = ((ObjectNode) root.get("auth")).putObject("scope").putObject("project");
      project.put("name", auth.project()).putObject("domain").put("name", auth.projectDomain());
    }
    return root.toString();
  }
}
