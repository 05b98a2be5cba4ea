package io.imgtrust.glance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.ImageSource;
import io.imgtrust.core.io.SourceFailure;
import io.imgtrust.core.metadata.GlanceMetadata;
import io.imgtrust.core.metadata.ImageMetadata;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@link GlanceClient} over {@link Transport}. */
final class HttpGlanceClient implements GlanceClient {
  private static final Pattern IMAGE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Transport transport;

  HttpGlanceClient(Transport transport) {
    this.transport = transport;
  }

  @Override
  public GlanceImage image(String id) throws ImageTrustException {
    Transport.Answer a = transport.get(path(id), Map.of("Accept", "application/json"));
    try (BodyChannel body = a.response.body()) {
      checkFound(a, id);
      if (a.status() != 200) {
        throw Transport.failure(a.url, "HTTP " + a.status());
      }
      byte[] json = body.readAll(GlanceMetadata.MAX_BYTES, transport.settings().minDownloadRate());
      JsonNode root = JSON.readTree(json);
      String status = root.path("status").asText("");
      String checksum = root.path("checksum").isTextual() ? root.get("checksum").asText() : null;
      return new GlanceImage(id, status, json, Optional.ofNullable(checksum));
    } catch (SourceFailure e) {
      throw e.failure();
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.GLANCE_ERROR, "GET " + a.url + ": " + e, e);
    }
  }

  @Override
  public ImageSource download(GlanceImage image) throws ImageTrustException {
    ImageMetadata meta = image.metadata();
    return new GlanceDownload(transport, path(image.id()) + "/file", meta.size(), image.checksum());
  }

  static void checkFound(Transport.Answer a, String id) throws ImageTrustException {
    if (a.status() == 404) {
      throw ImageTrustException.of(Reason.IMAGE_NOT_FOUND, "glance has no image " + id + " (GET " + a.url
          + ": 404)", Map.of("image", id));
    }
  }

  private static String path(String id) throws ImageTrustException {
    if (!IMAGE_ID.matcher(id).matches()) {
      throw ImageTrustException.of(Reason.USAGE, "'" + id + "' is not an image id");
    }
    return "/v2/images/" + id;
  }
}
