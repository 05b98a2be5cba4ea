package io.imgtrust.core.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.CommandResult;
import io.imgtrust.core.io.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What {@code qemu-img info} says about a file, asked without {@code -f} (qemu probes the format itself) and under
 * the limits Nova uses ({@code prlimit --cpu=30 --as=1GiB}), and whether that agrees with the inspector.
 *
 * <p>Fails closed: a tool that exits non-zero, outlives {@link #TIMEOUT}, or prints anything but one JSON object of
 * at most {@link #MAX_JSON} bytes is {@code UNSAFE_IMAGE} with qemu's (bounded) standard error in the message.
 */
final class QemuOpinion {
  static final long CPU_SECONDS = 30;
  static final long ADDRESS_SPACE = 1L << 30;
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final int MAX_JSON = CommandRunner.STDOUT_KEPT;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final String file;
  private final JsonNode info;

  private QemuOpinion(String file, JsonNode info) {
    this.file = file;
    this.info = info;
  }

  /** Runs {@code qemu-img info --output=json} on {@code file} under prlimit; see the class comment. */
  static QemuOpinion ask(CommandRunner runner, Path file) throws ImageTrustException {
    return ask(runner, file, TIMEOUT);
  }

  /** As {@link #ask(CommandRunner, Path)}, killing qemu-img after {@code timeout} (tests use a short one). */
  static QemuOpinion ask(CommandRunner runner, Path file, Duration timeout) throws ImageTrustException {
    String name = file.toAbsolutePath().toString();
    CommandResult run = runner.run(ImmutableList.of("prlimit", "--as=" + ADDRESS_SPACE, "--cpu=" + CPU_SECONDS,
        "--", "qemu-img", "info", "--output=json", name), timeout);
    if (run.timedOut()) {
      throw refuse("qemu-img info did not finish within " + timeout.toSeconds() + " s", ImmutableMap.of());
    }
    if (run.exitCode() != 0) {
      throw refuse("qemu-img info failed (exit " + run.exitCode() + "): " + run.stderr(),
          ImmutableMap.of("qemu_stderr", run.stderr()));
    }
    if (run.stdoutTruncated()) {
      throw refuse("qemu-img info printed more than " + MAX_JSON + " bytes", ImmutableMap.of());
    }
    return parse(run.stdout(), name);
  }

  /** qemu's view of {@code file} from the JSON {@code qemu-img info} printed. */
  static QemuOpinion parse(byte[] json, String file) throws ImageTrustException {
    try {
      JsonNode info = JSON.readTree(json);
      if (info == null || !info.isObject() || !info.path("format").isTextual()
          || !info.path("virtual-size").canConvertToExactIntegral()) {
        throw refuse("qemu-img info printed no format and virtual size", ImmutableMap.of());
      }
      return new QemuOpinion(file, info);
    } catch (JsonProcessingException e) {
      throw refuse("qemu-img info printed no JSON: " + e.getOriginalMessage(), ImmutableMap.of());
    } catch (IOException e) {
      throw new UncheckedIOException("reading JSON from memory", e);
    }
  }

  /** The format qemu probed: raw, qcow2, vmdk, qed, qcow, ... */
  String format() {
    return info.get("format").asText();
  }

  /** The virtual size qemu reports, in bytes. */
  long virtualSize() {
    return info.get("virtual-size").asLong();
  }

  /**
   * Refuses ({@code UNSAFE_IMAGE}) unless qemu sees what the inspector saw: the same format (ISO is raw to qemu),
   * the same virtual size (for raw, qemu rounds up to 512 bytes), and no file but this one: no backing file, no
   * data file, no VMDK extent or child node naming another file.
   */
  void requireAgrees(InspectedImage ours) throws ImageTrustException {
    String format = ours.format().qemuName();
    if (!format.equals(format())) {
      throw disagree("format", format, format());
    }
    long size = ours.virtualSize();
    boolean raw = format.equals("raw");
    if (virtualSize() != size && !(raw && virtualSize() == (size + 511) / 512 * 512)) {
      throw disagree("virtual size", Long.toString(size), Long.toString(virtualSize()));
    }
    requireOnlyThisFile();
    if (info.path("encrypted").asBoolean(false)) {
      throw disagree("encryption", "none", "encrypted");
    }
  }

  private void requireOnlyThisFile() throws ImageTrustException {
    for (String key : ImmutableList.of("backing-filename", "full-backing-filename")) {
      if (info.has(key)) {
        throw disagree("backing file", "none", info.get(key).asText());
      }
    }
    JsonNode data = info.path("format-specific").path("data");
    if (data.has("data-file")) {
      throw disagree("data file", "none", data.get("data-file").asText());
    }
    requireThisFile(info.path("filename"), "file name");
    for (JsonNode extent : data.path("extents")) {
      requireThisFile(extent.path("filename"), "VMDK extent");
    }
    requireChildren(info.path("children"), 0);
  }

  /** qemu 8 and later list the nodes below the image ({@code children}); each must be this file. */
  private void requireChildren(JsonNode children, int depth) throws ImageTrustException {
    if (depth > 8 && children.size() > 0) {
      throw refuse("qemu-img info nests children too deeply", ImmutableMap.of());
    }
    for (JsonNode child : children) {
      JsonNode childInfo = child.path("info");
      requireThisFile(childInfo.path("filename"), "child node " + child.path("name").asText());
      requireChildren(childInfo.path("children"), depth + 1);
    }
  }

  private void requireThisFile(JsonNode name, String what) throws ImageTrustException {
    if (!name.isMissingNode() && !name.asText().equals(file)) {
      throw disagree(what, file, name.asText());
    }
  }

  private static ImageTrustException disagree(String what, String ours, String qemus) {
    return refuse("qemu-img info disagrees on the " + what + ": the inspector found " + ours + ", qemu " + qemus,
        ImmutableMap.of("disagreement", what, "inspector", ours, "qemu", qemus));
  }

  private static ImageTrustException refuse(String problem, Map<String, String> details) {
    ImmutableMap<String, Object> all = ImmutableMap.<String, Object>builder().put("problem", problem)
        .putAll(details).build();
    return ImageTrustException.of(Reason.UNSAFE_IMAGE, "unsafe image: " + problem, all);
  }
}
