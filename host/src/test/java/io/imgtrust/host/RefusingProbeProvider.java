package io.imgtrust.host;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.ImageBackendProvider;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.SpawnRequest;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backend ({@code images_type = refusing-probe}) whose disks exist only in {@link #DISKS} and whose before-boot
 * check refuses every domain ({@code UNSAFE_DOMAIN}).
 */
public final class RefusingProbeProvider implements ImageBackendProvider {
  static final Set<String> DISKS = ConcurrentHashMap.newKeySet();

  @Override
  public String id() {
    return "refusing-probe";
  }

  @Override
  public ImageBackend create(BackendContext context) {
    return new ImageBackend() {
      @Override
      public PreparedDisk prepare(SpawnRequest r) {
        DISKS.add(r.instance());
        return PreparedDisk.of("", r.instance(), Map.of());
      }

      @Override
      public void beforeBoot(String domainXml) throws ImageTrustException {
        throw ImageTrustException.of(Reason.UNSAFE_DOMAIN, "refused by the probe");
      }

      @Override
      public void remove(String instance, String disk) {
        DISKS.remove(instance);
      }

      @Override
      public String describe() {
        return "refusing-probe";
      }
    };
  }
}
