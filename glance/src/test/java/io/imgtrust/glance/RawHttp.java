package io.imgtrust.glance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback server that writes raw bytes, for the malicious-server cases {@link FakeHttp} cannot play (a malformed
 * {@code Content-Length}, a trickle, a drop after every byte). Each connection's request head is recorded.
 */
final class RawHttp implements AutoCloseable {
  /** Answers one connection (its request head already read); the socket is closed afterwards. */
  @FunctionalInterface
  interface Handler {
    void handle(OutputStream out, String requestHead, int index) throws IOException, InterruptedException;
  }

  final List<String> requests = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  RawHttp(Handler handler) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          pool.execute(() -> answer(s, handler));
        } catch (IOException closed) {
          return;
        }
      }
    });
  }

  private void answer(Socket s, Handler handler) {
    try (s) {
      String head = head(s.getInputStream());
      requests.add(head);
      handler.handle(s.getOutputStream(), head, requests.size() - 1);
    } catch (IOException | InterruptedException gone) {
      // the client went away: nothing to answer
    }
  }

  private static String head(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (!b.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.append((char) c);
    }
    return b.toString();
  }

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }
}
