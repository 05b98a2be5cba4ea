package io.imgtrust.cli;

import static io.imgtrust.cli.Launcher.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imgtrust cache scrub} through the real command: refusal, quarantine, metrics file, usage errors. */
class ScrubIT {
  private static final long SIZE = 6L << 20;

  @TempDir Path dir;
  private Path config;

  @BeforeEach
  void setUp() throws Exception {
    config = dir.resolve("imgtrust.conf");
    Files.writeString(config, "[DEFAULT]\ninstances_path = " + dir.resolve("instances") + "\n"
        + ItFiles.NOT_IMMUTABLE + "[verification]\n"
        + "host_key_file = " + dir.resolve("host.key") + "\n");
  }

  private void add(String id, long seed) throws Exception {
    Path image = dir.resolve(id + ".raw");
    String sha = ItFiles.writeImage(image, SIZE, seed, 0);
    OpensslPki.Result r = Launcher.run(config, "cache", "add", image.toString(), "--meta",
        ItFiles.meta(dir, id, "raw", image, sha).toString());
    assertThat(r.exitCode()).as(r.describe()).isZero();
  }

  private Path cacheFile(String id) {
    return dir.resolve("instances/_base").resolve(ItFiles.cacheName(id));
  }

  @Test
  void scrub_plantedFileAndRecordlessFile_exit3ReportedAndQuarantined() throws Exception {
    add("good-1", 1);
    add("orphan-1", 2);
    Files.delete(dir.resolve("instances/_base/.imgtrust/" + ItFiles.cacheName("orphan-1") + ".json"));
    Path planted = Files.write(dir.resolve("instances/_base/planted"), new byte[] {9});

    OpensslPki.Result r = Launcher.run(config, "cache", "scrub");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(3);
    JsonNode j = json(r);
    assertThat(j.get("reason").asText()).isEqualTo("RECORD_INVALID");
    assertThat(j.get("entries_checked").asInt()).isEqualTo(3);
    assertThat(j.get("failures").findValuesAsText("cache_file"))
        .containsExactlyInAnyOrder(ItFiles.cacheName("orphan-1"), "planted");
    assertThat(j.get("failures").findValuesAsText("quarantined")).containsOnly("true");
    assertThat(Files.exists(planted)).isFalse();
    assertThat(Files.exists(cacheFile("orphan-1"))).isFalse();
    assertThat(Files.exists(cacheFile("good-1"))).isTrue();
  }

  @Test
  void scrub_oneRottedEntry_exit3FailureListedQuarantinedAndCounted() throws Exception {
    add("good-1", 1);
    add("rot-1", 2);
    ItFiles.rot(cacheFile("rot-1"), (5L << 20) + 7);
    Path metrics = Files.createDirectories(dir.resolve("textfile")).resolve("imgtrust.prom");

    OpensslPki.Result r = Launcher.run(config, "cache", "scrub", "--rate", "100", "--metrics-file",
        metrics.toString());

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(3);
    JsonNode j = json(r);
    assertThat(j.get("ok").asBoolean()).isFalse();
    assertThat(j.get("reason").asText()).isEqualTo("DIGEST_MISMATCH");
    assertThat(j.get("entries_checked").asInt()).isEqualTo(2);
    assertThat(j.get("bytes_verified").asLong()).isEqualTo(SIZE);
    assertThat(j.get("failures")).hasSize(1);
    assertThat(j.at("/failures/0/image_id").asText()).isEqualTo("rot-1");
    assertThat(j.at("/failures/0/reason").asText()).isEqualTo("DIGEST_MISMATCH");
    assertThat(j.at("/failures/0/message").asText()).contains("chunk 1");
    assertThat(j.get("metrics_file").asText()).isEqualTo(metrics.toString());
    assertThat(j.get("duration_seconds").isNumber()).isTrue();
    assertThat(Files.exists(cacheFile("rot-1"))).isFalse();

    OpensslPki.Result q = Launcher.run(config, "cache", "quarantine");
    assertThat(json(q).findValuesAsText("image_id")).as(q.describe()).containsExactly("rot-1");

    Map<String, Double> m = parseMetrics(Files.readString(metrics));
    assertThat(m).containsEntry("imgtrust_cache_scrub_failures_total{reason=\"DIGEST_MISMATCH\"}", 1.0)
        .containsEntry("imgtrust_cache_scrub_bytes_verified_total", (double) SIZE)
        .containsEntry("imgtrust_cache_entries{state=\"VERIFIED\"}", 1.0)
        .containsEntry("imgtrust_cache_entries{state=\"QUARANTINED\"}", 1.0)
        .containsKeys("imgtrust_cache_scrub_last_success_timestamp_seconds", "imgtrust_cache_scrub_duration_seconds");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(metrics))).isEqualTo("rw-r--r--");
    try (Stream<Path> s = Files.list(metrics.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("imgtrust.prom");
    }

    OpensslPki.Result again = Launcher.run(config, "cache", "scrub", "--metrics-file", metrics.toString());
    assertThat(again.exitCode()).as(again.describe()).isZero();
    assertThat(parseMetrics(Files.readString(metrics)))
        .containsEntry("imgtrust_cache_scrub_failures_total{reason=\"DIGEST_MISMATCH\"}", 1.0)
        .containsEntry("imgtrust_cache_scrub_entries_checked_total", 3.0);
  }

  @Test
  void scrub_intactCacheWithMetricsFileFromConfig_exit0AndFileWritten() throws Exception {
    Path metrics = dir.resolve("from-config.prom");
    Files.writeString(config, "[image_cache]\nscrub_rate_mib = 200\nmetrics_file = " + metrics + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    add("clean-1", 3);
    add("clean-2", 4);

    OpensslPki.Result r = Launcher.run(config, "cache", "scrub");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    JsonNode j = json(r);
    assertThat(j.get("ok").asBoolean()).isTrue();
    assertThat(j.get("failures")).isEmpty();
    assertThat(j.get("entries_checked").asInt()).isEqualTo(2);
    assertThat(j.get("bytes_verified").asLong()).isEqualTo(2 * SIZE);
    assertThat(j.get("rate_bytes_per_second").asLong()).isEqualTo(200L << 20);
    assertThat(parseMetrics(Files.readString(metrics)))
        .containsEntry("imgtrust_cache_scrub_failures_total{reason=\"DIGEST_MISMATCH\"}", 0.0)
        .containsEntry("imgtrust_cache_entries{state=\"VERIFIED\"}", 2.0);
  }

  @Test
  void scrub_rateNotANumber_exit2NamingRate() {
    OpensslPki.Result r = Launcher.run(config, "cache", "scrub", "--rate", "abc");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
    JsonNode j = json(r);
    assertThat(j.get("reason").asText()).isEqualTo("USAGE");
    assertThat(j.get("message").asText()).contains("--rate");
  }

  @Test
  void scrubHelp_listsOptionsAndExitStatus() {
    OpensslPki.Result r = OpensslPki.run(List.of(Launcher.locate().toString(), "cache", "scrub", "--help"));

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout()).contains("--rate", "--metrics-file", "Exit status", "quarantine");
  }

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{" + LABEL + "(?:," + LABEL + ")*\\})? "
      + "([-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?)");

  /**
   * Strict text-format reader: only {@code # HELP name text}, {@code # TYPE name counter|gauge} (after its HELP) and
   * samples of the family just typed; no series twice; ends with a newline.
   */
  private static Map<String, Double> parseMetrics(String text) {
    assertThat(text).endsWith("\n");
    Map<String, Double> out = new LinkedHashMap<>();
    String help = null;
    String typed = null;
    for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
      Matcher s = SAMPLE.matcher(line);
      if (line.matches("# HELP " + NAME + " .*")) {
        help = line.split(" ")[2];
        typed = null;
      } else if (line.matches("# TYPE " + NAME + " (counter|gauge)")) {
        assertThat(line.split(" ")[2]).as(line).isEqualTo(help);
        typed = help;
      } else if (s.matches()) {
        assertThat(s.group(1)).as("sample of the family just typed: %s", line).isEqualTo(typed);
        String series = s.group(1) + (s.group(2) == null ? "" : s.group(2));
        assertThat(out.put(series, Double.parseDouble(s.group(3)))).as("series twice: %s", line).isNull();
      } else {
        throw new AssertionError("not a HELP, TYPE or sample line: '" + line + "'");
      }
    }
    return out;
  }
}
