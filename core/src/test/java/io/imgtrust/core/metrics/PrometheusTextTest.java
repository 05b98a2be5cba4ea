package io.imgtrust.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.testing.PromTextParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusTextTest {
  @TempDir Path dir;

  @Test
  void toString_familiesAndSamples_strictFormatWithEscapes() {
    PrometheusText t = PrometheusText.create()
        .family("a_total", PrometheusText.Type.COUNTER, "back\\slash\nnewline").sample(3)
        .family("b", PrometheusText.Type.GAUGE, "labels")
        .sample(ImmutableMap.of("x", "q\"uote", "y", "n\nl"), 0.25);

    assertThat(t.toString()).isEqualTo("# HELP a_total back\\\\slash\\nnewline\n# TYPE a_total counter\na_total 3\n"
        + "# HELP b labels\n# TYPE b gauge\nb{x=\"q\\\"uote\",y=\"n\\nl\"} 0.25\n");
    assertThat(PromTextParser.parse(t.toString()).value("b{x=\"q\\\"uote\",y=\"n\\nl\"}")).isEqualTo(0.25);
  }

  @Test
  void format_specialAndLargeValues_asTheFormatSpellsThem() {
    assertThat(PrometheusText.format(Double.NaN)).isEqualTo("NaN");
    assertThat(PrometheusText.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(PrometheusText.format(1735787045.25)).isEqualTo("1735787045.25");
    assertThat(PrometheusText.format(1e18)).isEqualTo("1000000000000000000");
    assertThat(PrometheusText.format(-0.0)).isEqualTo("0");
  }

  @Test
  void family_badNameOrTwice_throws() {
    PrometheusText t = PrometheusText.create().family("ok", PrometheusText.Type.GAUGE, "h");

    assertThatThrownBy(() -> t.family("1bad", PrometheusText.Type.GAUGE, "h"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.family("ok", PrometheusText.Type.GAUGE, "h"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.sample(ImmutableMap.of("__reserved", "v"), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readSamples_whatWriteToWrote_sameSeriesAndValues() throws Exception {
    Path f = dir.resolve("m.prom");
    PrometheusText.create().family("c_total", PrometheusText.Type.COUNTER, "h")
        .sample(ImmutableMap.of("reason", "DIGEST_MISMATCH"), 7).writeTo(f);

    assertThat(PrometheusText.readSamples(f))
        .containsExactly(java.util.Map.entry("c_total{reason=\"DIGEST_MISMATCH\"}", 7.0));
  }

  @Test
  void readSamples_missingOrGarbage_emptyOrSkipped() throws Exception {
    assertThat(PrometheusText.readSamples(dir.resolve("none"))).isEmpty();
    Path f = Files.writeString(dir.resolve("junk"), "junk\nx notanumber\n# c 1\ny 2\n");
    assertThat(PrometheusText.readSamples(f)).containsExactly(java.util.Map.entry("y", 2.0));
  }
}
