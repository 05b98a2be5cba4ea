package io.imgtrust.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Path;

/** Holes in test files, made with util-linux {@code fallocate}. */
public final class SparseFiles {
  private SparseFiles() {}

  /** Deallocates {@code [offset, offset + length)} of {@code f}, keeping its size ({@code fallocate -p}). */
  public static void punch(Path f, long offset, long length) throws Exception {
    Process p = new ProcessBuilder("fallocate", "-p", "-o", Long.toString(offset), "-l", Long.toString(length),
        f.toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "r")) {
      r.seek(offset);
      assertThat(r.read()).isZero();
    }
  }
}
