package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.config.ImgtrustConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code [glance]} section, loaded through the real configuration loader (declared by GlanceOptions). */
class GlanceSettingsTest {
  @TempDir Path dir;

  private ImgtrustConfig load(String glance) throws Exception {
    return ConfigLoader.load(Files.writeString(dir.resolve("c.conf"), "[glance]\n" + glance));
  }

  @Test
  void fromConfig_novaStyleSection_parsedWithoutWarnings() throws Exception {
    ImgtrustConfig c = load("api_servers = http://g1:9292, https://g2/image\nnum_retries = 5\n"
        + "read_timeout = 7\nauth_type = password\nauth_url = http://k:5000/v3\nusername = nova\n"
        + "password = pw\nproject_name = service\n");

    GlanceSettings s = GlanceSettings.fromConfig(c);

    assertThat(c.warnings()).isEmpty();
    assertThat(s.apiServers()).containsExactly(URI.create("http://g1:9292"), URI.create("https://g2/image"));
    assertThat(s.numRetries()).isEqualTo(5);
    assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(s.auth().kind()).isEqualTo(GlanceAuth.Kind.PASSWORD);
    assertThat(s.auth().toString()).doesNotContain("pw");
    assertThat(GlanceSettings.configured(c)).isTrue();
  }

  @Test
  void configured_noApiServers_falseAndFromConfigBadConfig() throws Exception {
    ImgtrustConfig c = load("num_retries = 1\n");

    assertThat(GlanceSettings.configured(c)).isFalse();
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> GlanceSettings.fromConfig(c));
    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.details()).containsEntry("option", "api_servers");
  }

  @Test
  void fromConfig_endpointNotHttp_badConfigNamingIt() throws Exception {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> GlanceSettings.fromConfig(load("api_servers = glance:9292\n")));

    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.getMessage()).contains("[glance] api_servers").contains("glance:9292");
  }

  @Test
  void fromConfig_passwordAuthWithoutPassword_badConfig() throws Exception {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> GlanceSettings.fromConfig(
        load("api_servers = http://g:9292\nauth_type = password\nauth_url = http://k/v3\nusername = u\n"
            + "project_name = p\n")));

    assertThat(e.details()).containsEntry("option", "password");
  }

  @Test
  void load_unknownAuthType_badConfig() {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> load("api_servers = http://g:9292\nauth_type = kerberos\n"));

    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
  }

  @Test
  void fromConfig_minDownloadRateInKiB_bytesPerSecondAndDefault64KiB() throws Exception {
    assertThat(GlanceSettings.fromConfig(load("api_servers = http://g\nmin_download_rate = 2\n")).minDownloadRate())
        .isEqualTo(2048);
    assertThat(GlanceSettings.fromConfig(load("api_servers = http://g\n")).minDownloadRate()).isEqualTo(64 << 10);
  }
}
