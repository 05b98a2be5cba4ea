package io.imgtrust.cli.demo;

import io.imgtrust.cli.Output;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.metadata.SignatureProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The demo's side of Glance: uploads an image as an operator would (create, upload, then the {@code img_signature*}
 * properties PATCHed, as Glance needs without Barbican), and flips a byte in Glance's file store. Not a client of the
 * product: fetching goes through the product's own Glance client.
 */
final class DemoGlance {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String endpoint;

  DemoGlance(String endpoint) {
    this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
  }

  /** Creates image {@code id}, uploads {@code file} and sets the signature properties of {@code meta}. */
  void upload(String id, Path file, ImageMetadata meta) throws ImageTrustException {
    String create = Output.object().put("id", id).put("name", "imgtrust-demo-" + id).put("disk_format", "raw")
        .put("container_format", "bare").toString();
    send(request("/v2/images").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(create)), 201);
    try {
      send(request("/v2/images/" + id + "/file").header("Content-Type", "application/octet-stream")
          .PUT(HttpRequest.BodyPublishers.ofFile(file)), 204);
    } catch (java.io.FileNotFoundException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot read " + file, e);
    }
    SignatureProperties sig = meta.signature().orElseThrow();
    var patch = Output.mapper().createArrayNode();
    patch.addObject().put("op", "add").put("path", "/img_signature").put("value", sig.signatureBase64());
    patch.addObject().put("op", "add").put("path", "/img_signature_hash_method")
        .put("value", sig.hashMethod().signatureName().orElseThrow());
    patch.addObject().put("op", "add").put("path", "/img_signature_key_type").put("value", sig.keyType().glanceName());
    patch.addObject().put("op", "add").put("path", "/img_signature_certificate_uuid")
        .put("value", sig.certificateId());
    send(request("/v2/images/" + id).header("Content-Type", "application/openstack-images-v2.1-json-patch")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(patch.toString())), 200);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(TIMEOUT);
  }

  private void send(HttpRequest.Builder r, int expected) throws ImageTrustException {
    HttpRequest req = r.build();
    try {
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() != expected) {
        throw ImageTrustException.of(Reason.GLANCE_ERROR, req.method() + " " + req.uri() + ": HTTP "
            + resp.statusCode() + " (expected " + expected + "): " + resp.body().strip());
      }
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.GLANCE_ERROR, req.method() + " " + req.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ImageTrustException.wrap(Reason.GLANCE_ERROR, "interrupted: " + req.uri(), e);
    }
  }
}
