package io.imgtrust.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class KeyTest {

  @ParameterizedTest
  @EnumSource(Key.class)
  void find_sectionAndOptionName_findsKey(Key key) {
    assertThat(Key.find(key.section(), key.optionName())).contains(key);
  }

  @ParameterizedTest
  @EnumSource(Key.class)
  void validate_defaultValue_isValidForItsOwnType(Key key) throws Exception {
    assertThat(ConfigLoader.validate(key, key.defaultValue(), "(test)")).isEqualTo(key.defaultValue());
  }

  @ParameterizedTest
  @EnumSource(Key.class)
  void qualifiedName_eachKey_namesSectionAndOption(Key key) {
    assertThat(key.qualifiedName()).isEqualTo("[" + key.section() + "] " + key.optionName());
  }

  @Test
  void sections_allKeys_areTheCoreSections() {
    assertThat(Key.sections()).containsExactlyInAnyOrder("DEFAULT", "libvirt", "image_cache", "verification");
  }

  @Test
  void values_sectionAndName_unique() {
    Set<String> seen = new HashSet<>();
    for (Key k : Key.values()) {
      assertThat(seen.add(k.qualifiedName())).as(k.qualifiedName()).isTrue();
    }
    assertThat(seen).hasSize(Key.values().length);
  }

  @Test
  void values_designOptions_allPresent() {
    assertThat(Arrays.stream(Key.values()).map(Key::qualifiedName)).containsExactlyInAnyOrder(
        "[DEFAULT] instances_path", "[DEFAULT] log_file",
        "[libvirt] images_type", "[libvirt] connection_uri",
        "[image_cache] subdirectory_name", "[image_cache] force_raw_images",
        "[image_cache] scrub_rate_mib", "[image_cache] metrics_file",
        "[image_cache] allowed_disk_formats", "[image_cache] max_virtual_size", "[image_cache] immutable_files",
        "[image_cache] lock_timeout_seconds",
        "[verification] mode", "[verification] verify_signatures", "[verification] certificates_dir",
        "[verification] trusted_certs_dir", "[verification] trusted_certificate_ids", "[verification] recheck",
        "[verification] recheck_interval_seconds", "[verification] recheck_signature",
        "[verification] host_key_file");
  }

  @ParameterizedTest
  @CsvSource({
    "libvirt, IMAGES_TYPE",
    "libvirt, images-type",
    "verification, images_type",
    "DEFAULT, mode",
    "glance, api_servers",
    "Verification, mode",
  })
  void find_wrongSectionOrName_empty(String section, String name) {
    assertThat(Key.find(section, name)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1073741824, 1073741824",
    "512M, 536870912",
    "1T, 1099511627776",
    "2 GiB, 2147483648",
    "4k, 4096",
  })
  void parseSize_validSizes_bytes(String text, long bytes) {
    assertThat(ConfigLoader.parseSize(text)).contains(bytes);
  }

  @ParameterizedTest
  @CsvSource({"-1", "1X", "T", "1.5G", "9999999999T", "''"})
  void parseSize_malformed_empty(String text) {
    assertThat(ConfigLoader.parseSize(text)).isEmpty();
  }

  @Test
  void type_choices_listedInDescription() {
    assertThat(Key.MODE.type().choices()).containsExactly("enforce", "warn");
    assertThat(Key.MODE.type().description()).contains("enforce").contains("warn");
    assertThat(Key.RECHECK.type().choices()).containsExactly("always", "interval", "never");
    assertThat(Key.INSTANCES_PATH.type().choices()).isEmpty();
  }
}
