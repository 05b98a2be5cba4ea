package io.imgtrust.core.spi;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Selects the backend: {@link ServiceLoader} discovers providers, {@code [libvirt] images_type} activates one.
 * {@code default} means qcow2 and {@code raw} means flat, as in Nova. An unknown type, a type whose module is not
 * installed, or two providers with one id fail at start-up; there is no fallback.
 */
public final class Backends {
  private Backends() {}

  /** The {@code images_type} a configured value names, after Nova's aliases. */
  public static String canonicalType(String imagesType) {
    switch (imagesType) {
      case "default":
        return "qcow2";
      case "raw":
        return "flat";
      default:
        return imagesType;
    }
  }

  /** Every provider on the class path of {@code loader}, by id. */
  public static ImmutableMap<String, ImageBackendProvider> providers(ClassLoader loader) throws ImageTrustException {
    Map<String, ImageBackendProvider> byId = new LinkedHashMap<>();
    for (ImageBackendProvider p : ServiceLoader.load(ImageBackendProvider.class, loader)) {
      ImageBackendProvider other = byId.putIfAbsent(p.id(), p);
      if (other != null) {
        throw ImageTrustException.of(Reason.BAD_CONFIG, "two backends claim images_type '" + p.id() + "': "
            + other.getClass().getName() + " and " + p.getClass().getName());
      }
    }
    return ImmutableMap.copyOf(byId);
  }

  /** The backend {@code images_type} selects (or {@code override}, e.g. from the command line, when not null). */
  public static ImageBackend fromConfig(BackendContext context, String override) throws ImageTrustException {
    ImgtrustConfig config = context.config();
    String type = canonicalType(override != null ? override : config.string(Key.IMAGES_TYPE));
    ImmutableMap<String, ImageBackendProvider> all = providers(Backends.class.getClassLoader());
    ImageBackendProvider p = all.get(type);
    if (p == null) {
      throw ImageTrustException.of(Reason.BAD_CONFIG, "images_type '" + type + "' has no backend installed"
          + " (installed: " + String.join(", ", all.keySet()) + ")",
          ImmutableMap.of("section", "libvirt", "option", "images_type"));
    }
    return p.create(context);
  }
}
