package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import com.google.common.hash.HashingOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Images, metadata and external tools for the integration tests. */
final class ItFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Config lines that keep cache files mutable, so JUnit can remove its temporary directories (an immutable file can
   * only be removed after {@code chattr -i}). Tests of the flag itself set it and clear it in their cleanup.
   */
  static final String NOT_IMMUTABLE = "[image_cache]\nimmutable_files = false\n";

  private ItFiles() {}

  /** Writes {@code size} random bytes (every {@code zeroEvery}-th MiB left zero when > 0); returns their sha512. */
  static String writeImage(Path file, long size, long seed, int zeroEvery) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    try (HashingOutputStream out = new HashingOutputStream(Hashing.sha512(), Files.newOutputStream(file))) {
      long mib = 0;
      for (long left = size; left > 0; left -= buf.capacity(), mib++) {
        buf.clear();
        boolean zero = zeroEvery > 0 && mib % zeroEvery != 0;
        while (buf.hasRemaining()) {
          buf.putLong(zero ? 0 : r.nextLong());
        }
        out.write(buf.array(), 0, (int) Math.min(left, buf.capacity()));
      }
      return out.hash().toString();
    }
  }

  /** Writes Glance JSON for {@code image} ({@code id}, format, size, sha512) next to it; returns its path. */
  static Path meta(Path dir, String id, String diskFormat, Path image, String sha512) throws Exception {
    ObjectNode m = JSON.createObjectNode().put("id", id).put("status", "active").put("disk_format", diskFormat)
        .put("container_format", "bare").put("size", Files.size(image)).put("os_hash_algo", "sha512")
        .put("os_hash_value", sha512);
    Path f = dir.resolve(id + ".json");
    Files.writeString(f, m.toString());
    return f;
  }

  static String sha512(Path f) throws Exception {
    return com.google.common.io.MoreFiles.asByteSource(f).hash(Hashing.sha512()).toString();
  }

  /** The cache file name of an image id: sha1 hex. */
  static String cacheName(String id) {
    return Hashing.sha1().hashString(id, StandardCharsets.UTF_8).toString();
  }

  /** Runs a tool (argument list) and requires exit 0. */
  static OpensslPki.Result tool(String... argv) {
    OpensslPki.Result r = OpensslPki.run(List.of(argv));
    assertThat(r.exitCode()).as(r.describe()).isZero();
    return r;
  }

  /** Runs a tool and returns its result, whatever the exit status. */
  static OpensslPki.Result tryTool(String... argv) {
    return OpensslPki.run(new ArrayList<>(List.of(argv)));
  }

  /** Flips one bit at {@code offset}, keeping mtime: bit rot under the file system. */
  static void rot(Path file, long offset) throws Exception {
    FileTime mtime = Files.getLastModifiedTime(file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 1);
    }
    Files.setLastModifiedTime(file, mtime);
  }

  /** Allocated bytes of a file (st_blocks * 512), as du counts them. */
  static long allocated(Path f) {
    return Long.parseLong(tool("stat", "-c", "%b", f.toString()).stdout().strip()) * 512;
  }
}
