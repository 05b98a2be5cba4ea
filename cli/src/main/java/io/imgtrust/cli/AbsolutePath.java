package io.imgtrust.cli;

import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Converts an option's value to an absolute path (against the working directory), for paths that go into a
 * configuration file, whose paths must be absolute. Not for {@code --config}, whose name messages quote as given.
 */
public final class AbsolutePath implements CommandLine.ITypeConverter<Path> {
  @Override
  public Path convert(String value) {
    return Path.of(value).toAbsolutePath();
  }
}
