package io.imgtrust.core.spi;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSortedSet;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.BackendOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The installed backends: {@link ServiceLoader} is consulted once per class loader for the life of the process (the
 * providers are kept), and {@link #create} makes a new backend of a type. The valid {@code images_type} values are
 * the ids of the installed providers, and Nova's aliases: {@code default} means qcow2 and {@code raw} means flat. An
 * unknown type, or two providers with one id, is {@code BAD_CONFIG}; there is no fallback.
 */
public final class Backends {
  private static final Map<ClassLoader, ImmutableMap<String, ImageBackendProvider>> SCANNED =
      new ConcurrentHashMap<>();

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

  /** The providers on this module's class path, by id; the same map on every call. */
  public static ImmutableMap<String, ImageBackendProvider> providers() throws ImageTrustException {
    return providers(Backends.class.getClassLoader());
  }

  /** Every provider on the class path of {@code loader}, by id; scanned once per loader, then the same map. */
  public static ImmutableMap<String, ImageBackendProvider> providers(ClassLoader loader) throws ImageTrustException {
    ImmutableMap<String, ImageBackendProvider> known = SCANNED.get(loader);
    if (known != null) {
      return known;
    }
    ImmutableMap<String, ImageBackendProvider> scanned = scan(loader);
    ImmutableMap<String, ImageBackendProvider> raced = SCANNED.putIfAbsent(loader, scanned);
    return raced != null ? raced : scanned;
  }

  /** The options every installed backend declares (empty when the providers cannot be listed). */
  public static ImmutableList<BackendOption> declaredOptions() {
    try {
      return providers().values().stream().flatMap(p -> p.options().stream())
          .collect(ImmutableList.toImmutableList());
    } catch (ImageTrustException e) {
      return ImmutableList.of(); // create() reports the clash of ids
    }
  }

  /**
   * A new backend of {@code imagesType} (an installed provider's id, or an alias) for {@code context}; the caller
   * owns it and closes it.
   *
   * @throws ImageTrustException {@code BAD_CONFIG} naming {@code [libvirt] images_type} and the installed types when
   *     no provider has that id
   */
  public static ImageBackend create(BackendContext context, String imagesType) throws ImageTrustException {
    String type = canonicalType(imagesType);
    ImmutableMap<String, ImageBackendProvider> all = providers();
    ImageBackendProvider p = all.get(type);
    if (p == null) {
      throw ImageTrustException.of(Reason.BAD_CONFIG, "images_type '" + imagesType + "' has no backend installed"
          + " (installed: " + String.join(", ", ImmutableSortedSet.copyOf(all.keySet())) + ", and the aliases"
          + " default = qcow2, raw = flat)", ImmutableMap.of("file", context.config().source().map(String::valueOf)
              .orElse("(defaults)"), "section", "libvirt", "option", "images_type", "value", imagesType));
    }
    return p.create(context);
  }

  private static ImmutableMap<String, ImageBackendProvider> scan(ClassLoader loader) throws ImageTrustException {
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
}
