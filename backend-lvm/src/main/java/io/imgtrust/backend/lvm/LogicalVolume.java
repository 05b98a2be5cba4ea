package io.imgtrust.backend.lvm;

import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.Path;

/** One logical volume as {@code lvs} reports it: name, device path ({@code lv_path}) and size in bytes. Immutable. */
final class LogicalVolume {
  final String name;
  final Path path;
  final long size;

  LogicalVolume(String name, Path path, long size) {
    this.name = checkNotNull(name);
    this.path = checkNotNull(path);
    this.size = size;
  }

  @Override
  public String toString() {
    return name + " (" + path + ", " + size + " bytes)";
  }
}
