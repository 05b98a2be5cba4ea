package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real TLS endpoint in front of a plain-HTTP server: {@code socat OPENSSL-LISTEN} (Debian's socat) with a server
 * certificate that openssl issues from a test CA ({@code ca.pem} in the directory) for the given subject alternative
 * names. The test owns the process and stops it on {@link #close()}.
 */
final class TlsProxy implements AutoCloseable {
  private final Process socat;
  final int port;

  private TlsProxy(Process socat, int port) {
    this.socat = socat;
    this.port = port;
  }

  /** The test CA of {@code dir}, made on first use. */
  static Path ca(Path dir) throws Exception {
    Path ca = dir.resolve("ca.pem");
    if (!Files.exists(ca)) {
      Files.createDirectories(dir);
      openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
          "-days", "2", "-subj", "/CN=imgtrust test CA", "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }
    return ca;
  }

  /** A proxy on a free loopback port to {@code target}, presenting a certificate for {@code san}. */
  static TlsProxy start(Path dir, String name, String san, URI target) throws Exception {
    ca(dir);
    Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + san + "\n");
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj",
        "/CN=" + name);
    openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process p = new ProcessBuilder("socat", "OPENSSL-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork,cert="
        + dir.resolve(name + ".pem") + ",key=" + dir.resolve(name + ".key") + ",verify=0",
        "TCP:" + target.getHost() + ":" + target.getPort()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".socat.log").toFile()).start();
    TlsProxy proxy = new TlsProxy(p, port);
    proxy.awaitListening(dir.resolve(name + ".socat.log"));
    return proxy;
  }

  private void awaitListening(Path log) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline && socat.isAlive()) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    close();
    fail("socat did not listen on %d: %s", port, Files.readString(log));
  }

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", cmd, out).isZero();
  }

  /** {@code https://host:port} of the proxy, for a host name the certificate may or may not name. */
  URI uri(String host) {
    return URI.create("https://" + host + ":" + port);
  }

  @Override
  public void close() {
    socat.descendants().forEach(ProcessHandle::destroy);
    socat.destroy();
  }
}
