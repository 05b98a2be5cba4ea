package io.imgtrust.glance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A loopback HTTP server for unit tests of our own client logic: one handler, every request recorded. */
final class FakeHttp implements AutoCloseable {
  /** Answers one request. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange x, int index) throws IOException;
  }

  /** A request as the server saw it. */
  record Request(String method, String path, String range, String token, String body, String ifRange) {}

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  FakeHttp(Handler handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", x -> {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Request(x.getRequestMethod(), x.getRequestURI().getPath(),
          x.getRequestHeaders().getFirst("Range"), x.getRequestHeaders().getFirst("X-Auth-Token"), body,
          x.getRequestHeaders().getFirst("If-Range")));
      try {
        handler.handle(x, requests.size() - 1);
      } finally {
        x.close();
      }
    });
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  static void json(HttpExchange x, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    x.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
