package io.imgtrust.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Where log lines go, switchable once the configuration is known: first stderr (or, for the libvirt hook, a small
 * buffer, since the hook's stderr is libvirt's error message), then a log file opened for appending, or nothing.
 * Lines written to a file start with the time, {@code imgtrust[pid]} and the context (e.g. the hook's domain), and
 * each is appended with one write.
 * Thread-safe. Never throws: a file that fails is given up and its lines dropped.
 */
final class LogTarget extends OutputStream {
  /** Lines kept before the target is known (the hook logs little before its config is read). */
  static final int BUFFER_LIMIT = 64 * 1024;

  private OutputStream out;
  private ByteArrayOutputStream pending;
  private boolean file;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private String context = "";

  private LogTarget(OutputStream out, ByteArrayOutputStream pending) {
    this.out = out;
    this.pending = pending;
  }

  /** Lines go to {@code stderr} until {@link #toFile} or {@link #discard}. */
  static LogTarget to(OutputStream stderr) {
    return new LogTarget(stderr, null);
  }

  /** Lines are kept (up to {@value #BUFFER_LIMIT} bytes) until {@link #toFile} or {@link #discard}. */
  static LogTarget buffered() {
    return new LogTarget(null, new ByteArrayOutputStream());
  }

  /** Lines from now on, and those kept, are appended to {@code stream} (a log file), each with a prefix. */
  synchronized void toFile(OutputStream stream) {
    out = stream;
    file = true;
    if (pending != null) {
      byte[] kept = pending.toByteArray();
      pending = null;
      write(kept, 0, kept.length);
    }
  }

  /** Lines from now on, and those kept, are dropped. */
  synchronized void discard() {
    out = OutputStream.nullOutputStream();
    pending = null;
  }

  /** What file lines name after the pid, e.g. {@code hook qemu instance-1}. */
  synchronized void context(String c) {
    context = c;
  }

  @Override
  public synchronized void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    if (pending != null) {
      pending.write(b, off, Math.max(0, Math.min(len, BUFFER_LIMIT - pending.size())));
      return;
    }
    try {
      if (!file) {
        out.write(b, off, len);
        return;
      }
      for (int i = off; i < off + len; i++) {
        line.write(b[i]);
        if (b[i] == '\n') {
          // One write per line: with O_APPEND, lines of concurrent processes never interleave.
          byte[] prefix = prefix();
          byte[] whole = java.util.Arrays.copyOf(prefix, prefix.length + line.size());
          System.arraycopy(line.toByteArray(), 0, whole, prefix.length, line.size());
          line.reset();
          out.write(whole);
        }
      }
    } catch (IOException e) {
      out = OutputStream.nullOutputStream();
    }
  }

  private byte[] prefix() {
    String p = Instant.now() + " imgtrust[" + ProcessHandle.current().pid() + "]"
        + (context.isEmpty() ? "" : " " + context) + " ";
    return p.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void flush() {
    try {
      if (out != null) {
        out.flush();
      }
    } catch (IOException e) {
      out = OutputStream.nullOutputStream();
    }
  }
}
