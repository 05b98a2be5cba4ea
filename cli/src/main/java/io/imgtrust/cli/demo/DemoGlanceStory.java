package io.imgtrust.cli.demo;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.digest.CopyProgress;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.glance.GlanceClient;
import io.imgtrust.glance.GlanceClients;
import io.imgtrust.glance.GlanceFetch;
import io.imgtrust.host.ImgtrustHost;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The demo's Glance story: the signed image uploaded to a real Glance, fetched into the cache through the product's
 * Glance client (verified while downloading), and a second upload of it whose store file rots, refused on fetch with
 * nothing cached.
 */
final class DemoGlanceStory {
  private final ImgtrustHost host;
  private final DemoServices services;
  private final Consumer<String> step;

  DemoGlanceStory(ImgtrustHost host, DemoServices services, Consumer<String> step) {
    this.host = host;
    this.services = services;
    this.step = step;
  }

  /** Uploads {@code image} as {@code meta.id()}, shows the store-rot refusal, and fetches the good one. */
  CacheEntry fetch(Path image, ImageMetadata meta) throws Exception {
    DemoGlance glance = new DemoGlance(services.glance);
    glance.upload(meta.id(), image, meta);
    step.accept("glance: uploaded " + meta.id() + " to " + services.glance + ", img_signature* PATCHed after upload");
    GlanceClient client = GlanceClients.fromConfig(host.config());
    if (services.glanceStore != null) {
      refuseRotten(glance, client, image, meta);
    }
    CacheEntry e = GlanceFetch.fetch(client, host.cache(), meta.id(), CopyProgress.NONE);
    step.accept("cache fetch " + meta.id() + ": GET /v2/images/{id}/file streamed through the verified fill (sha512 "
        + "multihash, signature, Content-Md5 as the bytes arrived)");
    return e;
  }

  private void refuseRotten(DemoGlance glance, GlanceClient client, Path image, ImageMetadata meta)
      throws Exception {
    String id = UUID.randomUUID().toString();
    glance.upload(id, image, meta);
    long offset = DemoCommand.flipByte(services.glanceStore.resolve(id));
    try {
      GlanceFetch.fetch(client, host.cache(), id, CopyProgress.NONE);
      throw ImageTrustException.of(Reason.INTERNAL, "the image rotten in Glance's store was not refused");
    } catch (ImageTrustException x) {
      if (x.reason() != Reason.DIGEST_MISMATCH) {
        throw x;
      }
      if (host.cache().find(id).isPresent()) {
        throw ImageTrustException.of(Reason.INTERNAL, "the refused image " + id + " was cached");
      }
      step.accept("glance store rot: one byte flipped at offset " + offset + " of " + id + " in Glance's store "
          + "(Glance serves it with the original checksum); cache fetch refused: DIGEST_MISMATCH, nothing cached");
    }
  }
}
