package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link GlanceImage} reads from Glance's document besides the metadata. */
class GlanceImageTest {
  private static GlanceImage image(String json) {
    return new GlanceImage("i", "active", json.getBytes(StandardCharsets.UTF_8), Optional.empty());
  }

  @Test
  void locations_directUrlThenEachLocation() {
    GlanceImage g = image("{\"direct_url\":\"rbd://f/p/i/snap\",\"locations\":[{\"url\":\"rbd://f/p/i/snap\"},"
        + "{\"url\":\"rbd://g/p/i/snap\",\"metadata\":{}}]}");

    assertThat(g.locations()).containsExactly("rbd://f/p/i/snap", "rbd://f/p/i/snap", "rbd://g/p/i/snap");
  }

  @Test
  void locations_noneShownOrNotJson_empty() {
    assertThat(image("{\"id\":\"i\"}").locations()).isEmpty();
    assertThat(image("{\"direct_url\":7,\"locations\":[{\"url\":null}]}").locations()).isEmpty();
    assertThat(image("not json").locations()).isEmpty();
  }
}
