package io.imgtrust.glance;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET requests to Glance: over the {@code api_servers} in turn (starting with the one that last answered), retrying
 * connection failures, timeouts and 5xx answers up to {@code num_retries} times with a doubling backoff; a 401
 * renews the token once. Every other status is the caller's to judge. Thread-safe.
 */
final class Transport {
  private static final Logger log = LoggerFactory.getLogger(Transport.class);

  private final GlanceSettings settings;
  private final HttpClient http;
  private final TokenSource tokens;
  private final AtomicInteger preferred = new AtomicInteger();

  Transport(GlanceSettings settings, HttpClient http, TokenSource tokens) {
    this.settings = settings;
    this.http = http;
    this.tokens = tokens;
  }

  static HttpClient client(GlanceSettings s) throws ImageTrustException {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(s.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER).sslContext(Tls.context(s)).build();
  }

  GlanceSettings settings() {
    return settings;
  }

  /** A response that came back, with the endpoint that gave it; the caller reads or closes its body. */
  static final class Answer {
    final URI url;
    final HttpResponse<BodyChannel> response;

    Answer(URI url, HttpResponse<BodyChannel> response) {
      this.url = url;
      this.response = response;
    }

    int status() {
      return response.statusCode();
    }

    Optional<String> header(String name) {
      return response.headers().firstValue(name);
    }
  }

  /** GET {@code path} (e.g. {@code /v2/images/ID}) with {@code headers}, retried as the class says. */
  Answer get(String path, Map<String, String> headers) throws ImageTrustException {
    ImageTrustException last = null;
    boolean renewed = false;
    int n = settings.apiServers().size();
    for (int attempt = 0; attempt <= settings.numRetries(); attempt++) {
      if (attempt > 0) {
        backoff(attempt);
      }
      int i = Math.floorMod(preferred.get() + attempt, n);
      URI url = URI.create(settings.apiServers().get(i).toString().replaceAll("/+$", "") + path);
      Optional<String> token = tokens.token();
      try {
        Answer a = new Answer(url, send(http, request(url, headers, token), BodyChannel.handler(
            settings.readTimeout(), "GET " + url)));
        if (a.status() == 401 && token.isPresent() && !renewed) {
          a.response.body().close();
          tokens.invalidate(token.get());
          renewed = true;
          attempt--;
          continue;
        }
        if (a.status() >= 500) {
          a.response.body().close();
          last = failure(url, "HTTP " + a.status());
          log.warn("{} (attempt {} of {})", last.getMessage(), attempt + 1, settings.numRetries() + 1);
          continue;
        }
        preferred.set(i);
        return a;
      } catch (IOException e) {
        last = failure(url, Tls.describe(e));
        log.warn("{} (attempt {} of {})", last.getMessage(), attempt + 1, settings.numRetries() + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ImageTrustException.wrap(Reason.GLANCE_ERROR, "GET " + url + ": interrupted", e);
      }
    }
    throw ImageTrustException.wrap(Reason.GLANCE_ERROR, "glance failed after " + (settings.numRetries() + 1)
        + " attempts; last: " + last.getMessage(), last);
  }

  /**
   * {@link HttpClient#send}, with a response the JDK cannot parse (it throws {@link IllegalArgumentException}, e.g.
   * for a {@code Content-Length} that is not a number) reported as the {@link IOException} it is.
   */
  static <T> HttpResponse<T> send(HttpClient http, HttpRequest req, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    try {
      return http.send(req, handler);
    } catch (IllegalArgumentException e) {
      throw new IOException("malformed response: " + e.getMessage(), e);
    }
  }

  private HttpRequest request(URI url, Map<String, String> headers, Optional<String> token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(settings.connectTimeout()
        .plus(settings.readTimeout())).GET();
    headers.forEach(b::header);
    token.ifPresent(t -> b.header("X-Auth-Token", t));
    return b.build();
  }

  /** Waits before retry {@code attempt} (1, 2, ...): the base, doubled each time, at most 16 times the base. */
  void backoff(int attempt) throws ImageTrustException {
    Duration d = settings.backoffBase().multipliedBy(1L << Math.min(4, attempt - 1));
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ImageTrustException.wrap(Reason.GLANCE_ERROR, "interrupted while backing off", e);
    }
  }

  static ImageTrustException failure(URI url, String what) {
    return ImageTrustException.of(Reason.GLANCE_ERROR, "GET " + url + ": " + what, ImmutableMap.of("url",
        url.toString()));
  }
}
