package io.imgtrust.host;

import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.ImageBackendProvider;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.SpawnRequest;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend ({@code images_type = counting-probe}) that counts how often it is created and closed. */
public final class CountingProbeProvider implements ImageBackendProvider {
  static final AtomicInteger CREATED = new AtomicInteger();
  static final AtomicInteger CLOSED = new AtomicInteger();

  @Override
  public String id() {
    return "counting-probe";
  }

  @Override
  public ImageBackend create(BackendContext context) {
    CREATED.incrementAndGet();
    return new Probe();
  }

  private static final class Probe implements ImageBackend, AutoCloseable {
    @Override
    public PreparedDisk prepare(SpawnRequest r) {
      return PreparedDisk.of("<disk type='file'/>", r.instance(), Map.of());
    }

    @Override
    public void beforeBoot(String domainXml) {}

    @Override
    public void remove(String instance, String disk) {}

    @Override
    public String describe() {
      return "counting-probe";
    }

    @Override
    public void close() {
      CLOSED.incrementAndGet();
    }
  }
}
