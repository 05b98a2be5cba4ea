package io.imgtrust.core.spi;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.config.BackendOption;
import java.util.ServiceLoader;

/**
 * Declares the options of a module that is not a backend (the Glance client's {@code [glance]} section), found with
 * {@link ServiceLoader}. The configuration loader validates them like a backend's; the module reads them typed
 * through {@link BackendSettings#of}.
 */
public interface OptionProvider {
  /** The options this module reads, with types, defaults and documentation. */
  ImmutableList<BackendOption> options();

  /** The options every installed {@link OptionProvider} declares. */
  static ImmutableList<BackendOption> declared() {
    ImmutableList.Builder<BackendOption> b = ImmutableList.builder();
    ServiceLoader.load(OptionProvider.class).forEach(p -> b.addAll(p.options()));
    return b.build();
  }
}
